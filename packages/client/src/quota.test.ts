import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { openTestStore } from '../test/helpers';
import { CACHE_EXPIRES_HEADER, purgeExpiredApiCache } from './quota';
import type { OfflineStore } from './types';

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

/** Makes the next `failures` writes to entity stores fail as a full disk does. */
function fullDisk(state: { failures: number }): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'full-disk',
    create: (down) => ({
      ...down,
      table(name) {
        const table = down.table(name);
        return {
          ...table,
          mutate(request: DBCoreMutateRequest) {
            if (!name.startsWith('_') && state.failures > 0) {
              state.failures -= 1;
              return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
            }
            return table.mutate(request);
          },
        };
      },
    }),
  };
}

/** Middleware is set up when a database opens: reopen with it. */
async function useFullDisk(s: OfflineStore, state: { failures: number }) {
  s.db.close({ disableAutoOpen: false });
  s.db.use(fullDisk(state));
  await s.db.open();
}

/** A minimal Cache Storage: enough for the purge to find and delete expired API answers. */
function memoryCaches(entries: Record<string, { expires: number | null }>): CacheStorage {
  const map = new Map(Object.entries(entries));
  const cache = {
    keys: async () => [...map.keys()].map((url) => new Request(url)),
    match: async (request: Request) => {
      const e = map.get(request.url);
      if (!e) return undefined;
      const headers: Record<string, string> =
        e.expires === null ? {} : { [CACHE_EXPIRES_HEADER]: String(e.expires) };
      return new Response('{}', { headers });
    },
    delete: async (request: Request) => map.delete(request.url),
  };
  return {
    keys: async () => ['wampums-api-v1', 'static-assets'],
    open: async () => cache,
    size: () => map.size,
  } as unknown as CacheStorage;
}

describe('storage quota', () => {
  it('warns, frees synced entries and expired API answers, keeps the outbox, and retries the write', async () => {
    const server = new FakeSyncServer();
    const caches = memoryCaches({
      'http://h/api/v1/groups?_org=1': { expires: 0 },
      'http://h/api/v1/participants?_org=1': { expires: Date.now() + 60_000 },
      'http://h/api/v1/activities?_org=1': { expires: null },
    });
    store = await openTestStore(server.transport(), { cacheStorage: caches });
    await store.create('groups', { name: 'synced' });
    await store.sync();
    await store.create('groups', { name: 'pending' });
    expect(await store.db._outbox.count()).toBe(2);

    const state = { failures: 1 };
    await useFullDisk(store, state);
    const saved = await store.create('groups', { name: 'written on a full disk' });
    expect(await store.get('groups', saved.id)).toBeDefined();
    expect(store.status.current.quotaWarning).toMatch(/Storage is full/);
    const left = await store.db._outbox.toArray();
    expect(left.map((e) => [e.status, e.payload?.name])).toEqual([
      ['pending', 'pending'],
      ['pending', 'written on a full disk'],
    ]);
    expect((caches as unknown as { size(): number }).size()).toBe(1);
    // Room again: the next write fits at its first try and the warning goes away.
    await store.create('groups', { name: 'written with room' });
    expect(store.status.current.quotaWarning).toBeNull();
  });

  it('when nothing can be freed, the write fails with quota_exceeded and leaves the outbox intact', async () => {
    store = await openTestStore(new FakeSyncServer().transport(), { cacheStorage: null });
    await store.create('groups', { name: 'pending' });
    await useFullDisk(store, { failures: 99 });
    await expect(store.create('groups', { name: 'lost?' })).rejects.toMatchObject({
      name: 'OfflineStoreError',
      code: 'quota_exceeded',
    });
    expect((await store.outbox.list()).map((e) => e.payload?.name)).toEqual(['pending']);
  });

  it('purgeExpiredApiCache only touches the API caches', async () => {
    const caches = memoryCaches({
      'http://h/api/v1/a': { expires: 10 },
      'http://h/api/v1/b': { expires: 1000 },
    });
    expect(await purgeExpiredApiCache(caches, 500)).toBe(1);
  });
});
