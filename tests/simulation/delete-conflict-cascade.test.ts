import { describe, expect, it } from 'vitest';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';

// Found by the simulation on PostgreSQL with seed 249858117: a leader deletes a participant
// that another leader edits a moment later. The server refuses the delete (conflict, the later
// edit wins) and the participant comes back on the phone, but the attendance, honors, points,
// badges and medication records its delete had removed locally never do: the pull cursor is
// already past them, so the phone disagrees with the server until a full refresh.

const environment = scenarioEnvironment();
const sync = syncStep;

describe('a delete refused by a conflict', () => {
  it('gives the device back everything the delete had removed with the record', async () => {
    const result = await runSteps(environment(), [
      // group → participant → attendance, honor (+ points), badge, medication → dose
      { t: 'family', d: 0, variant: 0 },
      sync(0),
      sync(1),
      // Device 1 deletes the participant (the only one); device 0 edits it afterwards and
      // syncs first. The later edit wins: the server keeps the participant.
      { t: 'delete', d: 1, entity: 'participants', pick: 0 },
      { t: 'edit', d: 0, kind: 'participant-notes', pick: 0, variant: 0 },
      sync(0),
      sync(1),
    ]);
    expect(result.violations).toEqual([]);
  });
});
