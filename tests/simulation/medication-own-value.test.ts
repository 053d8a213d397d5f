import { describe, expect, it } from 'vitest';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';
import type { Step } from './harness/steps';

// Found by the simulation on PostgreSQL (seed 7045663) and PGlite (seed 260524894): a leader's
// change of a medication requirement reached the server; a later change of another field of
// the same requirement met another device's change and waits for a person. The conflict's
// local version is the whole record as the device shows it, so it also holds the value that
// had already synced. That value is on the server by right: only the fields of the waiting
// change must stay off the server.

const environment = scenarioEnvironment();
const sync = syncStep;

const steps: Step[] = [
  { t: 'family', d: 0, variant: 0 },
  sync(0),
  sync(1),
  // Device 1's notes reach the server, and device 0 sees them.
  { t: 'edit', d: 1, kind: 'medication-notes', pick: 0, variant: 0 },
  sync(1),
  sync(0),
  // Both then change the dosage: device 1's change waits for a person.
  { t: 'edit', d: 0, kind: 'medication-dosage', pick: 0, variant: 0 },
  { t: 'edit', d: 1, kind: 'medication-dosage', pick: 0, variant: 1 },
  sync(0),
  sync(1),
];

describe('a medication change waiting for a person', () => {
  it('does not hold back what the same device had already synced', async () => {
    const result = await runSteps(environment(), steps);
    expect(result.other.get('settled:conflict')).toBe(1);
    expect(result.violations).toEqual([]);
  });

  it('still reports a waiting value that reached the server', async () => {
    // The oracle must keep failing when the waiting change itself is on the server: here the
    // device's store is broken on purpose so that its conflict claims the synced value.
    const result = await runSteps(environment(), steps, {
      beforeFinalChecks: async (devices) => {
        const db = devices[1]?.store.db;
        if (!db) throw new Error('device 1 is missing');
        // The settled change claims the notes value too, as if it had carried it.
        for (const e of await db._outbox.toArray()) {
          if (e.entityType !== 'medication_requirements' || e.serverResponse?.status !== 'conflict') continue;
          const record = await db.entity('medication_requirements').get(e.entityId);
          await db._outbox.update(e.localId as number, {
            payload: { ...(e.payload ?? {}), general_notes: record?.general_notes },
          });
        }
      },
    });
    expect(result.violations.some((v) => v.includes('took a value that waits for a person'))).toBe(true);
  });
});
