import type { ConflictRecord } from '@wampums/schema';
import { describe, expect, it } from 'vitest';
import { checkCreates } from './harness/invariants';
import type { LocalState } from './harness/local-state';
import { Oracle } from './harness/oracle';
import { runSteps, scenarioEnvironment, syncStep } from './harness/scenario-fixture';
import type { Step } from './harness/steps';

// Found by the simulation on PostgreSQL (seeds 166202995, 969817168) and PGlite (260524889):
// two leaders record the same badge level of the same participant on their phones. The server
// holds one row per participant, template and level: the second create is mapped to the first
// one's row and settled last-write-wins, so its fields (its objective too) are written over the
// first one's, and the phone that wrote over it records the conflict. The first leader's badge
// is still on the server, merged, not lost; the checks must tell that from a lost create.

const environment = scenarioEnvironment();
const sync = syncStep;
const badge = (d: number): Step => ({
  t: 'create',
  d,
  entity: 'badge_progress',
  pick: 0,
  pick2: 0,
  // Level 2: the family's own badge is level 1.
  variant: 1,
});

describe('the same badge level recorded on two phones', () => {
  it('merges into one row, the later create written over the first', async () => {
    const result = await runSteps(
      environment(),
      [
        { t: 'family', d: 0, variant: 0 },
        sync(0),
        sync(1),
        sync(2),
        // Leader 1 records the badge and syncs; leader 2 records it later, without having pulled.
        badge(1),
        sync(1),
        badge(2),
        sync(2),
        sync(1),
      ],
      { devices: 3 },
    );
    expect(result.operations.get('create:badge_progress')).toBe(3);
    expect(result.violations).toEqual([]);
  });

  it('still reports a badge create that vanished when no merge wrote over it', () => {
    const oracle = new Oracle();
    oracle.created({
      type: 'badge_progress',
      marker: 'T:bad1',
      device: 0,
      localId: 'temp_1_aaaaaa',
      parents: [],
      step: 1,
    });
    const empty: LocalState = { rows: {} as LocalState['rows'], outbox: [], conflicts: [] };
    const conflict = (serverObjective: string, resolution: ConflictRecord['resolution']): ConflictRecord => ({
      entityType: 'badge_progress',
      entityId: 7,
      correlationId: 'c',
      localVersion: { id: 7, objective: 'T:bad2' },
      serverVersion: { id: 7, objective: serverObjective },
      baseVersion: null,
      strategy: 'last-write-wins',
      resolution,
      resolvedVersion: null,
      detectedAt: 0,
      resolvedAt: 0,
    });
    const check = (c: ConflictRecord[]) =>
      checkCreates(oracle, new Map(), [empty, { ...empty, conflicts: c }]);
    expect(check([])).toHaveLength(1);
    // Another record's conflict, or one where the server's row stayed as it was: still lost.
    expect(check([conflict('T:bad9', 'local-wins')])).toHaveLength(1);
    expect(check([conflict('T:bad1', 'server-wins')])).toHaveLength(1);
    expect(check([conflict('T:bad1', 'local-wins')])).toEqual([]);
  });
});
