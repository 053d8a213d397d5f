import { describe, expect, it } from 'vitest';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';

// Found by the soak on PostgreSQL (seed 969817168) and a bounded run (seed 1214442528): when a
// person settles a change that waits for them (discards a refused change, or takes the
// server's version of a conflict), the phone puts back the record as the server had it when
// the change was made or the conflict found, not the newer version it has pulled since; the
// pull cursor is already past that version, so the phone keeps the old one.

const environment = scenarioEnvironment();
const sync = syncStep;

describe('settling a change after a newer version was pulled', () => {
  it('discarding a refused change leaves the device with the server’s newest version', async () => {
    const result = await runSteps(environment(), [
      { t: 'family', d: 0, variant: 0 },
      sync(0),
      sync(1),
      { t: 'edit', d: 1, kind: 'badge-status', pick: 0, variant: 0 },
      { t: 'edit', d: 0, kind: 'badge-description', pick: 0, variant: 0 },
      sync(0),
      sync(1),
    ]);
    expect(result.other.get('settled:failed:forbidden')).toBe(1);
    expect(result.violations).toEqual([]);
  });

  it('taking the server’s version of a medication conflict leaves the device with its newest version', async () => {
    const result = await runSteps(environment(), [
      { t: 'family', d: 0, variant: 0 },
      sync(0),
      sync(1),
      // Both change the medication: device 1's change waits for a person (manual strategy).
      { t: 'edit', d: 1, kind: 'medication-notes', pick: 0, variant: 0 },
      { t: 'edit', d: 0, kind: 'medication-dosage', pick: 0, variant: 0 },
      sync(0),
      sync(1),
      // Then device 0 changes it again, and device 1 pulls that before the person decides.
      { t: 'edit', d: 0, kind: 'medication-dosage', pick: 0, variant: 1 },
      sync(0),
      sync(1),
    ]);
    expect(result.other.get('settled:conflict')).toBe(1);
    expect(result.violations).toEqual([]);
  });
});
