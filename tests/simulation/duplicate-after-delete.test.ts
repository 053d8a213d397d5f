import { describe, expect, it } from 'vitest';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';

// Found by the soak on PGlite (seed 900586703): a device's push is applied but its answer is
// lost; another leader deletes the participant (the server cascades to the medication
// requirement the device created); the device pulls that deletion while its record still has
// a temp id, so it cannot tell the tombstone is its own record. When it sends the create
// again, the server answers `duplicate` with the first answer's row, and the device kept that
// row for good: the cursor was already past the deletion.

const environment = scenarioEnvironment();
const sync = syncStep;

describe('a create answered as duplicate after the record was deleted on the server', () => {
  it('leaves the device without the deleted records', async () => {
    const result = await runSteps(environment(), [
      { t: 'family', d: 1, variant: 0 },
      // Applied on the server, answer lost: the device keeps its temp ids and backs off.
      { t: 'sync', d: 1, faults: [{ kind: 'drop-response' }], crashAtWrite: null, ignoreBackoff: true },
      sync(0),
      { t: 'delete', d: 0, entity: 'participants', pick: 0 },
      sync(0),
      // Still backing off: no push, but the pull brings the deletions.
      { t: 'sync', d: 1, faults: [], crashAtWrite: null, ignoreBackoff: false },
      // The creates go again and are answered `duplicate`.
      sync(1),
    ]);
    expect(result.violations).toEqual([]);
  });
});
