import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { fakeIdb, openTestStore } from '../test/helpers';
import { WampumsOfflineDB } from './db';
import { offlineDbName } from './db-name';
import type { LockManagerLike } from './sync-lock';
import { createSyncLock, syncLockName } from './sync-lock';
import type { OfflineStore } from './types';

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** Web Locks of one origin, as `navigator.locks` grants them: by name, `ifAvailable` or not at all. */
function originLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  return {
    held,
    async request(name, options, callback) {
      if (held.has(name)) {
        if (options.ifAvailable) return callback(null);
        throw new Error('this fake grants only ifAvailable requests');
      }
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
}

describe('one offline database per account (offlineDbName)', () => {
  it('names a database per organization and user, and refuses names that are not ids', () => {
    expect(offlineDbName({ organizationId: 4, userId: 17 })).toBe('WampumsOfflineDB-org4-user17');
    expect(offlineDbName({ organizationId: 4, userId: 17 }, 'CampApp')).toBe('CampApp-org4-user17');
    expect(() => offlineDbName({ organizationId: '4/../x', userId: 1 })).toThrow(/organizationId/);
    expect(syncLockName('WampumsOfflineDB')).toBe('wampums-sync');
  });

  it("keeps two accounts' records and outboxes apart on one origin", async () => {
    const server = new FakeSyncServer();
    const idb = fakeIdb();
    const open = (user: { id: number; organizationId: number }) =>
      openTestStore(server.transport(), {
        ...idb,
        user,
        dbName: offlineDbName({ organizationId: user.organizationId, userId: user.id }),
      });
    const alice = await open({ id: 1, organizationId: 1 });
    const bob = await open({ id: 2, organizationId: 2 });
    stores.push(alice, bob);

    await alice.create('groups', { name: 'Loups' });
    await bob.create('groups', { name: 'Castors' });
    expect((await alice.query('groups')).map((g) => g.name)).toEqual(['Loups']);
    expect((await bob.query('groups')).map((g) => g.name)).toEqual(['Castors']);
    expect((await alice.outbox.list()).length).toBe(1);
    const names = (await idb.indexedDB.databases()).map((d) => d.name).sort();
    expect(names).toEqual(['WampumsOfflineDB-org1-user1', 'WampumsOfflineDB-org2-user2']);
  });

  it("takes one Web Lock per database: one account's sync never waits for another's", async () => {
    const idb = fakeIdb();
    const locks = originLocks();
    const clock = { now: () => Date.now(), setTimeout, clearTimeout } as never;
    const dbA = new WampumsOfflineDB('WampumsOfflineDB-org1-user1', idb);
    const dbB = new WampumsOfflineDB('WampumsOfflineDB-org2-user2', idb);
    const lock = (db: WampumsOfflineDB, owner: string) =>
      createSyncLock({ db, clock, leaseMs: 60_000, owner, locks });
    let release: () => void = () => {};
    const holding = lock(dbA, 'tab-a').tryRun(
      () =>
        new Promise<string>((r) => {
          release = () => r('a done');
        }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(locks.held).toEqual(new Set(['wampums-sync:WampumsOfflineDB-org1-user1']));
    // Another context on the same database is kept out; one on the other account's goes ahead.
    expect(await lock(dbA, 'worker-a').tryRun(async () => 'second a')).toEqual({ acquired: false });
    expect(await lock(dbB, 'tab-b').tryRun(async () => 'b done')).toEqual({
      acquired: true,
      value: 'b done',
    });
    release();
    expect(await holding).toEqual({ acquired: true, value: 'a done' });
    dbA.close();
    dbB.close();
  });
});
