import { dexieStores, generateTempId, SYNC_META_KEYS } from '@wampums/schema';
import { startTestServer, type TestServer } from '@wampums/server/testing';
import { Dexie } from 'dexie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from '../src/db-versions';
import { openOfflineStore } from '../src/open-offline-store';
import { UNSYNCED_STATUSES } from '../src/rebase';
import type { OfflineStore } from '../src/types';
import { RELEASED_SCHEMAS } from './fixtures/released-schemas';
import { fakeIdb } from './helpers';

type Row = Record<string, unknown> & { id: number; updated_at: string };

/**
 * IndexedDB versions for real (docs/architecture.md, "Schema versions"): a device holding any
 * released schema, frozen as it shipped, upgrades with its waiting changes, its conflict and its
 * id map, then pushes them to today's server and converges.
 */
describe('local schema versions', () => {
  let server: TestServer;
  let session: { token: string; user: { id: number; organizationId: number; name: string } };

  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
    });
    session = ((await res.json()) as { data: typeof session }).data;
  }, 90_000);
  afterAll(() => server?.close());

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${session.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await res.json()) as { data: Row & Row[] };
  };

  it('declares today the last released schema: a change to the stores comes as a new version', () => {
    const last = RELEASED_SCHEMAS.at(-1);
    expect(last?.version).toBe(CURRENT_SCHEMA_VERSION);
    expect(dexieStores()).toEqual(last?.stores);
  });

  for (const released of RELEASED_SCHEMAS) {
    it(`upgrades a device of version ${released.version} (${released.commit}) with waiting changes, a conflict and an id map, then pushes and converges`, async () => {
      const idb = fakeIdb();
      const name = `released-v${released.version}`;
      const synced = (
        await api('POST', '/participants', { first_name: `Synced${released.version}`, last_name: 'V' })
      ).data;
      const edited = (
        await api('POST', '/participants', { first_name: `Edit${released.version}`, last_name: 'V' })
      ).data;
      const disputed = (
        await api('POST', '/participants', { first_name: `Disp${released.version}`, last_name: 'V' })
      ).data;
      const created = generateTempId();
      const mappedTemp = generateTempId();
      const oldShape = released.version === 1;
      // An outbox entry as that version wrote it (version 1: `attempts` and `error` as text).
      const entry = (fields: Record<string, unknown>) => ({
        correlationId: crypto.randomUUID(),
        timestamp: Date.now(),
        dependencies: [],
        serverResponse: null,
        ...(oldShape ? { attempts: 1, error: 'network error: offline' } : { retryCount: 1, lastError: null }),
        ...(released.version >= 3
          ? { authorId: session.user.id, authorOrganizationId: session.user.organizationId }
          : {}),
        ...fields,
      });

      const old = new Dexie(name, idb);
      old.version(released.version).stores(released.stores);
      await old.open();
      await old
        .table('participants')
        .bulkPut([synced, { ...edited, first_name: 'Edited offline' }, disputed]);
      await old.table('participants').put({
        id: created,
        first_name: `Offline${released.version}`,
        last_name: 'V',
        organization_id: session.user.organizationId,
      });
      await old.table('_outbox').bulkAdd([
        entry({
          entityType: 'participants',
          entityId: created,
          tempId: created,
          operation: 'create',
          payload: { first_name: `Offline${released.version}`, last_name: 'V', group_id: null },
          status: 'pending',
        }),
        entry({
          entityType: 'participants',
          entityId: edited.id,
          tempId: null,
          operation: 'update',
          payload: { first_name: 'Edited offline' },
          baseUpdatedAt: edited.updated_at,
          status: 'failed',
          // A network failure waiting out its backoff, due now.
          nextAttemptAt: Date.now() - 1,
        }),
        entry({
          entityType: 'participants',
          entityId: disputed.id,
          tempId: null,
          operation: 'update',
          payload: { notes: 'mine' },
          baseUpdatedAt: '2020-01-01T00:00:00.000Z',
          status: 'conflict',
        }),
      ]);
      await old.table('_idMap').add({
        entityType: 'participants',
        tempId: mappedTemp,
        serverId: synced.id,
        createdAt: Date.now(),
        syncedAt: Date.now(),
      });
      await old.table('_conflicts').add({
        entityType: 'participants',
        entityId: disputed.id,
        correlationId: 'released-conflict',
        localVersion: { notes: 'mine' },
        serverVersion: disputed,
        baseVersion: null,
        strategy: 'field-merge',
        resolution: 'pending-user',
        resolvedVersion: null,
        detectedAt: Date.now(),
        ...(oldShape ? {} : { resolvedAt: null }),
      });
      await old.table('_syncMeta').put({ key: SYNC_META_KEYS.session, value: session.user });
      old.close();

      const store: OfflineStore = await openOfflineStore({
        baseUrl: server.url,
        getToken: async () => session.token,
        user: session.user,
        dbName: name,
        ...idb,
        autoSync: false,
        eventSource: null,
      });
      try {
        expect(store.db.verno).toBe(CURRENT_SCHEMA_VERSION);
        expect((await store.db._syncMeta.get(SYNC_META_KEYS.schemaVersion))?.value).toBe(
          CURRENT_SCHEMA_VERSION,
        );
        const waiting = await store.db._outbox.toArray();
        expect(waiting).toHaveLength(3);
        // Payload shapes migrated: no version-1 field is left.
        for (const e of waiting) {
          expect(e).not.toHaveProperty('attempts');
          expect(typeof e.retryCount).toBe('number');
        }
        expect(
          await store.db._idMap.where('[entityType+tempId]').equals(['participants', mappedTemp]).count(),
        ).toBe(1);
        expect(await store.conflicts.list()).toHaveLength(1);

        const report = await store.sync({ ignoreBackoff: true });
        expect(report.error).toBeNull();
        expect(report.pushed).toBe(2);
        const server = (await api('GET', '/participants?limit=1000')).data;
        const names = server.map((p) => p.first_name);
        expect(names).toContain(`Offline${released.version}`);
        expect(names).toContain('Edited offline');
        // Converged: the device holds the server's rows, the created one under its server id.
        const local = await store.db.entity('participants').toArray();
        expect(
          local.some((p) => p.first_name === `Offline${released.version}` && typeof p.id === 'number'),
        ).toBe(true);
        const left = (await store.db._outbox.toArray()).filter((e) => UNSYNCED_STATUSES.includes(e.status));
        expect(left.map((e) => e.status)).toEqual(['conflict']);
      } finally {
        await store.close();
      }
    }, 60_000);
  }
});
