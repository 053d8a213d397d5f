import { ENTITY_TYPES, type StoreName } from '@wampums/schema';
import { Dexie } from 'dexie';
import { describe, expect, it } from 'vitest';
import { fakeIdb } from '../test/helpers';
import { WampumsOfflineDB } from './db';
import { storesV1, storesV2 } from './db-versions';

describe('WampumsOfflineDB schema versions', () => {
  it('upgrades a version 1 database to version 2 keeping the records of every store', async () => {
    const idb = fakeIdb();
    const old = new Dexie('upgrade-test', idb);
    old.version(1).stores(storesV1());
    await old.open();
    for (const type of ENTITY_TYPES) await old.table(type).put({ id: 1, organization_id: 1, note: type });
    await old.table('_outbox').add({
      correlationId: 'c8a9b0a4-6f1e-4b7e-9d43-2f7c1a2b3c4d',
      entityType: 'groups',
      entityId: 1,
      operation: 'update',
      timestamp: 5,
      payload: { name: 'x' },
      status: 'failed',
      attempts: 3,
      error: 'socket hang up',
    });
    await old
      .table('_idMap')
      .add({ entityType: 'groups', tempId: 'temp_1_abcdef', serverId: 1, createdAt: 1, syncedAt: 2 });
    await old.table('_syncMeta').put({ key: 'pullCursor', value: '42' });
    await old.table('_conflicts').add({ entityType: 'groups', entityId: 1, correlationId: 'x' });
    old.close();

    const db = new WampumsOfflineDB('upgrade-test', idb);
    await db.open();
    expect(db.verno).toBe(3);
    for (const type of ENTITY_TYPES) expect(await db.entity(type).get(1)).toMatchObject({ note: type });
    const [entry] = await db._outbox.toArray();
    expect(entry).toMatchObject({
      retryCount: 3,
      lastError: { code: 'internal_error', message: 'socket hang up' },
      dependencies: [],
      serverResponse: null,
      tempId: null,
    });
    expect(entry).not.toHaveProperty('attempts');
    // The new compound indexes answer queries over the old records.
    expect(await db._outbox.where('[status+timestamp]').equals(['failed', 5]).count()).toBe(1);
    expect(
      (await db._idMap.where('[entityType+tempId]').equals(['groups', 'temp_1_abcdef']).first())?.serverId,
    ).toBe(1);
    expect((await db._syncMeta.get('pullCursor'))?.value).toBe('42');
    expect(await db._conflicts.toArray()).toMatchObject([{ resolvedAt: null, resolution: 'pending-user' }]);
    const names = db.tables.map((t) => t.name).sort();
    expect(names).toEqual(
      [...ENTITY_TYPES, '_outbox', '_idMap', '_syncMeta', '_conflicts'].sort() as StoreName[],
    );
    db.close();
  });

  it('attributes the changes of a version 2 database to the session that opens it upgraded', async () => {
    const idb = fakeIdb();
    const old = new Dexie('upgrade-authors', idb);
    old.version(2).stores(storesV2());
    await old.open();
    const entry = (n: number) => ({
      correlationId: `c8a9b0a4-6f1e-4b7e-9d43-2f7c1a2b3c4${n}`,
      entityType: 'groups',
      entityId: n,
      tempId: null,
      operation: 'update',
      timestamp: n,
      payload: { name: 'x' },
      dependencies: [],
      status: 'pending',
      retryCount: 0,
      lastError: null,
      serverResponse: null,
    });
    await old.table('_outbox').bulkAdd([entry(1), entry(2)]);
    await old
      .table('_syncMeta')
      .put({ key: 'session', value: { id: 7, organizationId: 1, name: 'Mathieu' } });
    old.close();

    const db = new WampumsOfflineDB('upgrade-authors', idb);
    await db.open();
    expect(db.verno).toBe(3);
    expect(await db._outbox.where('authorId').equals(7).count()).toBe(2);
    expect((await db._outbox.toArray())[0]).toMatchObject({
      authorId: 7,
      authorOrganizationId: 1,
      authorName: 'Mathieu',
      payload: { name: 'x' },
    });
    db.close();
  });

  it('leaves the changes of a version 2 database without a session to the next person who syncs', async () => {
    const idb = fakeIdb();
    const old = new Dexie('upgrade-no-session', idb);
    old.version(2).stores(storesV2());
    await old.open();
    await old
      .table('_outbox')
      .add({ correlationId: 'x', entityType: 'groups', entityId: 1, status: 'pending' });
    old.close();
    const db = new WampumsOfflineDB('upgrade-no-session', idb);
    await db.open();
    const [kept] = await db._outbox.toArray();
    expect(kept).toMatchObject({ status: 'pending', entityId: 1 });
    expect(kept).not.toHaveProperty('authorId');
    db.close();
  });
});
