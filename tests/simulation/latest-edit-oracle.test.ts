import type { EntityType } from '@wampums/schema';
import { describe, expect, it } from 'vitest';
import { checkLatestEditWins, EDIT_ORDER_TOLERANCE_MS } from './harness/invariants';
import type { LocalState } from './harness/local-state';
import { Oracle } from './harness/oracle';

// The last-write-wins oracle speaks up when the server keeps an edit that was made clearly
// before another edit of the same field, and stays silent for the latest one.

const emptyDevice = (): LocalState => ({
  rows: {} as LocalState['rows'],
  outbox: [],
  conflicts: [],
});

function twoEdits(type: EntityType, field: string, gapMs: number): Oracle {
  const oracle = new Oracle();
  const base = { type, marker: 'run:1', field, unique: true };
  oracle.edits.push({ ...base, step: 1, device: 0, value: 'early', at: 1_000 });
  oracle.edits.push({ ...base, step: 2, device: 1, value: 'late', at: 1_000 + gapMs });
  return oracle;
}

const serverWith = (type: EntityType, field: string, value: string) =>
  new Map([[`${type}|run:1`, [{ id: 1, [field]: value }]]]);

describe('checkLatestEditWins', () => {
  it('reports the earlier edit kept on the server', () => {
    const oracle = twoEdits('participants', 'first_name', 1_500);
    const found = checkLatestEditWins(oracle, serverWith('participants', 'first_name', 'early'), [
      emptyDevice(),
      emptyDevice(),
    ]);
    expect(found).toEqual([expect.stringMatching(/^not the latest edit: participants run:1\.first_name/)]);
  });

  it('is silent for the latest edit, for edits too close to order, and for an edit still waiting', () => {
    const devices = [emptyDevice(), emptyDevice()];
    expect(
      checkLatestEditWins(
        twoEdits('activities', 'description', 1_500),
        serverWith('activities', 'description', 'late'),
        devices,
      ),
    ).toEqual([]);
    expect(
      checkLatestEditWins(
        twoEdits('activities', 'description', EDIT_ORDER_TOLERANCE_MS),
        serverWith('activities', 'description', 'early'),
        devices,
      ),
    ).toEqual([]);
    const waiting = emptyDevice();
    waiting.outbox.push({
      entityType: 'activities',
      status: 'failed',
      payload: { description: 'late' },
    } as never);
    expect(
      checkLatestEditWins(
        twoEdits('activities', 'description', 1_500),
        serverWith('activities', 'description', 'early'),
        [emptyDevice(), waiting],
      ),
    ).toEqual([]);
  });

  it('leaves out an edit whose device clock jumped before it was sent', () => {
    const oracle = twoEdits('participants', 'notes', 1_500);
    oracle.clockJumped(1, 5_000);
    expect(
      checkLatestEditWins(oracle, serverWith('participants', 'notes', 'early'), [
        emptyDevice(),
        emptyDevice(),
      ]),
    ).toEqual([]);
  });
});
