import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, fakeIdb, openTestStore } from '../test/helpers';
import { WampumsOfflineDB } from './db';
import { createSyncLock } from './sync-lock';
import type { Transport } from './transport';
import type { OfflineStore } from './types';

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('sync lock (lease in _syncMeta, where Web Locks are missing)', () => {
  it('lets only one of two contexts on one database sync at a time; the outbox goes once', async () => {
    const server = new FakeSyncServer();
    const base = server.transport();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Transport = {
      get requestCount() {
        return base.requestCount;
      },
      async push(request) {
        await gate;
        return base.push(request);
      },
      pull: (c, l) => base.pull(c, l),
    };
    const idb = fakeIdb();
    const tab = await openTestStore(slow, idb);
    const worker = await openTestStore(base, idb);
    stores.push(tab, worker);
    await tab.create('groups', { name: 'Loups' });
    const first = tab.sync();
    await new Promise((r) => setTimeout(r, 20));
    const second = await worker.sync();
    expect(second.skipped).toBe('locked');
    release();
    expect((await first).pushed).toBe(1);
    expect((await worker.sync()).skipped).toBeNull();
    expect(server.pushes.flatMap((p) => p.changes)).toHaveLength(1);
  });

  it('a frozen holder loses the lock when its lease expires, and stops when it wakes up', async () => {
    const idb = fakeIdb();
    const dbA = new WampumsOfflineDB('lock-test', idb);
    const dbB = new WampumsOfflineDB('lock-test', idb);
    const clockA = new FakeClock();
    const clockB = new FakeClock(clockA.now());
    const lockA = createSyncLock({ db: dbA, clock: clockA, leaseMs: 10_000, owner: 'A', locks: null });
    const lockB = createSyncLock({ db: dbB, clock: clockB, leaseMs: 10_000, owner: 'B', locks: null });

    let abortedA = false;
    const runA = lockA.tryRun(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => {
            abortedA = true;
            resolve('aborted');
          });
        }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(await lockB.tryRun(async () => 'B ran')).toEqual({ acquired: false });
    // A is frozen: its clock stands still, so it never renews. For B, time passes.
    clockB.advance(11_000);
    expect(await lockB.tryRun(async () => 'B ran')).toEqual({ acquired: true, value: 'B ran' });
    // B takes the lease again and holds it; A wakes up, tries to renew, sees B and aborts.
    const holdB = lockB.tryRun(() => new Promise((r) => setTimeout(r, 100)));
    await new Promise((r) => setTimeout(r, 20));
    clockA.advance(4_000);
    expect(await runA).toEqual({ acquired: true, value: 'aborted' });
    expect(abortedA).toBe(true);
    await holdB;
    dbA.close();
    dbB.close();
  });
});
