import { afterEach, describe, expect, it } from 'vitest';
import { ManualConnectivity } from '../src/connectivity';
import { toPushChange } from '../src/push';
import type { OfflineStore } from '../src/types';
import { FakeSyncServer } from './fake-sync-server';
import { FakeClock, fakeIdb, openTestStore, settle } from './helpers';

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
async function open(...args: Parameters<typeof openTestStore>) {
  const store = await openTestStore(...args);
  stores.push(store);
  return store;
}

describe('failure modes', () => {
  it('app closed mid-sync: in-progress changes are pending again at next open, and not duplicated', async () => {
    const server = new FakeSyncServer();
    const idb = fakeIdb();
    const first = await open(server.transport(), idb);
    const kid = await first.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    await first.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
    // The request left with both changes and reached the server; the app died before the answer.
    const entries = await first.outbox.list();
    await first.db._outbox.bulkPut(entries.map((e) => ({ ...e, status: 'in_progress' as const, sentAt: 1 })));
    await server.transport().push({ clientId: 'x', changes: entries.map(toPushChange) });
    await first.close();

    const second = await open(server.transport(), idb);
    expect((await second.outbox.list()).map((e) => e.status)).toEqual(['pending', 'pending']);
    const report = await second.sync();
    expect(report.pushed).toBe(2);
    expect(server.all('participants')).toHaveLength(1);
    expect(server.all('attendance')).toHaveLength(1);
    const local = await second.get('participants', kid.id);
    expect(local?.id).toBe(server.all('participants')[0]?.id);
    expect(await second.db.table('attendance').count()).toBe(1);
  });

  it('a lost answer is retried with the same correlation id: the server keeps one row', async () => {
    const server = new FakeSyncServer();
    const store = await open(server.transport());
    await store.create('groups', { name: 'Loups' });
    server.faults.push('lose-answer');
    const lost = await store.sync();
    expect(lost.error?.code).toBe('network_error');
    const [entry] = await store.outbox.list();
    expect(entry).toMatchObject({ status: 'failed', retryCount: 1, lastError: { code: 'network_error' } });
    await store.outbox.retry(entry?.localId as number);
    expect((await store.sync()).pushed).toBe(1);
    expect(server.all('groups')).toHaveLength(1);
    expect(server.pushes[0]?.changes[0]?.correlationId).toBe(server.pushes[1]?.changes[0]?.correlationId);
    expect(await store.db.table('groups').count()).toBe(1);
  });

  it('network drop: failed with a retry count, exponential backoff with jitter and a cap, retried when due', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    const connectivity = new ManualConnectivity(true);
    const store = await open(server.transport(), {
      clock,
      connectivity,
      autoSync: true,
      backoff: { baseMs: 1000, maxMs: 8000 },
      random: () => 1,
    });
    await settle();
    await store.create('groups', { name: 'Loups' });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      server.faults.push('network');
      const report = await store.sync({ ignoreBackoff: true });
      expect(report.failed).toBe(1);
      const [entry] = await store.outbox.list();
      expect(entry).toMatchObject({ status: 'failed', retryCount: i + 1 });
      // A network failure is retried by itself: never counted as refused by the server.
      expect(store.status.current).toMatchObject({ retryingCount: 1, refusedCount: 0, retryCount: i + 1 });
      delays.push((entry?.nextAttemptAt ?? 0) - clock.now());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    // Before it is due, sync sends nothing.
    const before = server.pushes.length;
    await store.sync();
    expect(server.pushes.length).toBe(before);
    // The scheduled retry fires when due.
    clock.advance(8000);
    await settle(60);
    await store.sync(); // waits for the run the timer started
    expect(server.all('groups')).toHaveLength(1);
    expect(store.status.current.pendingCount).toBe(0);
  });

  it('an online event retries at once, without waiting out the backoff', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    const connectivity = new ManualConnectivity(true);
    const store = await open(server.transport(), { clock, connectivity, autoSync: true });
    await settle();
    await store.create('groups', { name: 'Loups' });
    server.faults.push('network');
    await store.sync({ ignoreBackoff: true });
    connectivity.set(false);
    expect((await store.sync()).skipped).toBe('offline');
    expect(store.status.current.online).toBe(false);
    connectivity.set(true);
    await settle(60);
    await store.sync();
    expect(server.all('groups')).toHaveLength(1);
    expect(store.status.current.online).toBe(true);
  });

  it('401 pauses sync and keeps every change until a new token', async () => {
    const server = new FakeSyncServer();
    let token = 'expired';
    server.validTokens = new Set(['fresh']);
    const transport = server.transport(() => token);
    const store = await open(transport, { getToken: async () => token });
    await store.create('groups', { name: 'Loups' });
    const paused = await store.sync();
    expect(paused.skipped).toBe('auth-paused');
    expect(store.status.current.authPaused).toBe(true);
    expect(await store.outbox.list()).toMatchObject([{ status: 'pending', retryCount: 0 }]);
    const again = await store.sync();
    expect(again).toMatchObject({ skipped: 'auth-paused', requests: 0 });
    token = 'fresh';
    const resumed = await store.sync();
    expect(resumed.pushed).toBe(1);
    expect(store.status.current.authPaused).toBe(false);
    expect(server.all('groups')).toHaveLength(1);
  });

  it('synced entries are kept for a while for debugging, then purged', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    const store = await open(server.transport(), { clock, syncedRetentionMs: 60_000 });
    await store.create('groups', { name: 'A' });
    await store.sync();
    expect(await store.outbox.list({ status: ['synced'] })).toHaveLength(1);
    clock.advance(30_000);
    await store.create('groups', { name: 'B' });
    await store.sync();
    expect(await store.outbox.list({ status: ['synced'] })).toHaveLength(2);
    clock.advance(40_000);
    await store.sync();
    const kept = await store.outbox.list({ status: ['synced'] });
    expect(kept).toHaveLength(1);
    expect(kept[0]?.payload?.name).toBe('B');
  });
});
