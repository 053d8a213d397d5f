import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { fakeIdb, openTestStore, settle } from '../test/helpers';
import type { OfflineStore } from './types';

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('last sync', () => {
  it('a sync run by another context of the database (the service worker) shows as the last sync here', async () => {
    const server = new FakeSyncServer();
    const idb = fakeIdb();
    const page = await openTestStore(server.transport(), idb);
    const worker = await openTestStore(server.transport(), idb);
    stores.push(page, worker);
    expect(page.status.current.lastSyncAt).toBeNull();
    await worker.create('groups', { name: 'Loups' });
    await worker.sync();
    const at = worker.status.current.lastSyncAt;
    expect(at).not.toBeNull();
    await expect.poll(() => page.status.current.lastSyncAt, { timeout: 2000 }).toBe(at);
    await settle();
  });
});
