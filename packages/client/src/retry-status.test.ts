import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, openTestStore } from '../test/helpers';
import { retryFigures } from './retry-status';
import type { OfflineStore } from './types';

let store: OfflineStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe('retry figures of the status', () => {
  it('tells changes retried after a network failure from changes the server refused', () => {
    expect(
      retryFigures([
        { status: 'failed', retryCount: 3, nextAttemptAt: 9_000 },
        { status: 'failed', retryCount: 1, nextAttemptAt: 5_000 },
        { status: 'failed', retryCount: 1, nextAttemptAt: undefined },
      ]),
    ).toEqual({ refusedCount: 1, retryingCount: 2, retryCount: 3, nextRetryAt: 5_000 });
    expect(retryFigures([])).toEqual({ refusedCount: 0, retryingCount: 0, retryCount: 0, nextRetryAt: null });
  });

  it('a network drop is counted as retrying, with its attempts and the time of the next try', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    store = await openTestStore(server.transport(), {
      clock,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      random: () => 1,
    });
    await store.create('groups', { name: 'Loups' });
    await store.create('groups', { name: 'Castors' });
    server.faults.push('network');
    await store.sync();
    expect(store.status.current).toMatchObject({
      failedCount: 2,
      retryingCount: 2,
      refusedCount: 0,
      retryCount: 1,
      nextRetryAt: clock.now() + 1000,
      lastError: { code: 'network_error' },
    });
    server.faults.push('network');
    await store.sync({ ignoreBackoff: true });
    expect(store.status.current).toMatchObject({ retryCount: 2, nextRetryAt: clock.now() + 2000 });
  });

  it('a refusal is counted as refused, never as retrying', async () => {
    const server = new FakeSyncServer();
    server.rejectIf = (c) => (c.entityType === 'groups' ? 'name is not allowed' : null);
    store = await openTestStore(server.transport());
    await store.create('groups', { name: 'Loups' });
    await store.sync();
    expect(store.status.current).toMatchObject({
      failedCount: 1,
      refusedCount: 1,
      retryingCount: 0,
      retryCount: 0,
      nextRetryAt: null,
    });
  });

  it('"sync now" (resetBackoff) sends a backed-off change at once and starts its backoff over', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    store = await openTestStore(server.transport(), {
      clock,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      random: () => 1,
    });
    await store.create('groups', { name: 'Loups' });
    for (let i = 0; i < 5; i++) {
      server.faults.push('network');
      await store.sync({ ignoreBackoff: true });
    }
    expect(store.status.current).toMatchObject({ retryCount: 5, nextRetryAt: clock.now() + 16_000 });
    // Still failing: the backoff starts over from the first delay instead of 32 s.
    server.faults.push('network');
    await store.sync({ resetBackoff: true });
    expect(store.status.current).toMatchObject({ retryCount: 1, nextRetryAt: clock.now() + 1000 });
    // The network is back: the tap sends at once, without waiting for the next try.
    const before = server.pushes.length;
    const report = await store.sync({ resetBackoff: true });
    expect(report.pushed).toBe(1);
    expect(server.pushes.length).toBe(before + 1);
    expect(server.all('groups')).toHaveLength(1);
    expect(store.status.current).toMatchObject({ pendingCount: 0, retryingCount: 0, nextRetryAt: null });
  });
});
