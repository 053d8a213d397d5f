import { describe, expect, it } from 'vitest';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';

// Found by the simulation on PGlite (seeds 260524887, 260524890): a leader renames a
// participant, then deletes the participant before syncing. The queued rename is folded into
// the delete (update + delete → delete). Another leader had changed the participant since, so
// the delete loses its conflict and the participant comes back as the server has it. The rename
// is not on the server, by the leader's own later decision, not lost: the delete's conflict is
// recorded on the phone.

const environment = scenarioEnvironment();
const sync = syncStep;

describe('an edit followed by a delete that loses its conflict', () => {
  it('is not taken for a lost edit', async () => {
    const result = await runSteps(
      environment(),
      [
        { t: 'family', d: 0, variant: 0 },
        sync(0),
        sync(1),
        sync(2),
        { t: 'edit', d: 2, kind: 'participant-notes', pick: 0, variant: 0 },
        { t: 'edit', d: 1, kind: 'participant-name', pick: 0, variant: 0 },
        { t: 'delete', d: 1, entity: 'participants', pick: 0 },
        // Device 2's edit reaches the server after device 1's delete was made: it wins.
        sync(2),
        sync(1),
      ],
      { devices: 3 },
    );
    expect(result.operations.get('delete:participants')).toBe(1);
    expect(result.violations).toEqual([]);
  });
});
