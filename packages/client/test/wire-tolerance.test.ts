import { MINIMUM_PROTOCOL_VERSION, PROTOCOL_HEADER } from '@wampums/schema';
import { startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOfflineStore } from '../src/open-offline-store';
import { readSyncState } from '../src/sync-state';
import type { OfflineStore } from '../src/types';
import { fakeIdb } from './helpers';

type Session = { token: string; user: { id: number; organizationId: number; name: string } };
type Rewrite = (path: string, body: { data: Record<string, unknown> }) => void;

/**
 * Today's client against a server of another version (docs/sync-protocol.md, "Versions"): a
 * later server's entity types, operations and push statuses are skipped and counted, never
 * fatal; a client of the previous protocol is served; one the server no longer serves is told
 * to update (426) and keeps its waiting changes until it has.
 */
describe('sync across protocol versions', () => {
  let server: TestServer;
  let session: Session;
  /** What the device's requests claim and what the answers it reads hold, per test. */
  let protocolHeader: string | null = null;
  let rewrite: Rewrite | null = null;

  beforeAll(async () => {
    server = await startTestServer();
    const res = await fetch(`${server.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
    });
    session = ((await res.json()) as { data: Session }).data;
  }, 90_000);
  afterAll(() => server?.close());

  /** The network between the device and the real server: it may stand in for another version of either side. */
  const network: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (protocolHeader !== null) headers.set(PROTOCOL_HEADER, protocolHeader);
    const res = await fetch(input, { ...init, headers });
    const path = new URL(String(input)).pathname;
    if (!rewrite || !res.ok) return res;
    const body = (await res.json()) as { data: Record<string, unknown> };
    rewrite(path, body);
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };

  async function device(): Promise<OfflineStore> {
    return openOfflineStore({
      baseUrl: server.url,
      fetch: network,
      getToken: async () => session.token,
      user: session.user,
      ...fakeIdb(),
      autoSync: false,
      eventSource: null,
    });
  }

  async function elsewhere(first: string): Promise<number> {
    const res = await fetch(`${server.apiUrl}/participants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: first, last_name: 'Elsewhere' }),
    });
    return ((await res.json()) as { data: { id: number } }).data.id;
  }

  it('keeps syncing the types it knows when a later server sends a new entity type and operation', async () => {
    const store = await device();
    try {
      rewrite = (path, body) => {
        if (!path.endsWith('/sync/pull')) return;
        (body.data.changes as unknown[]).push(
          { entityType: 'campfires', op: 'upsert', id: 1, entity: { id: 1, name: 'Feu' } },
          { entityType: 'participants', op: 'merge', id: 1, entity: {} },
        );
      };
      expect((await store.sync()).error).toBeNull();
      const id = await elsewhere('AfterNewType');
      const report = await store.sync();
      expect(report.error).toBeNull();
      expect(await store.db.entity('participants').get(id)).toMatchObject({ first_name: 'AfterNewType' });
      const state = await readSyncState(store.db);
      // Two unknown changes on each page read.
      expect(state.skippedPullChanges).toBeGreaterThanOrEqual(4);
      expect(state.skippedPullChanges % 2).toBe(0);
    } finally {
      rewrite = null;
      await store.close();
    }
  });

  it('handles a push result of an unknown status as skipped: the change waits and goes with the next sync', async () => {
    const store = await device();
    try {
      expect((await store.sync()).error).toBeNull();
      rewrite = (path, body) => {
        if (!path.endsWith('/sync/push')) return;
        for (const result of body.data.results as { status: string }[]) result.status = 'queued_for_review';
      };
      await store.create('participants', { first_name: 'UnknownStatus', last_name: 'Push', group_id: null });
      const first = await store.sync();
      expect(first.pushed).toBe(0);
      expect(store.status.current.pendingCount).toBe(1);
      expect((await readSyncState(store.db)).unknownPushResults).toBe(1);
      rewrite = null;
      const second = await store.sync();
      expect(second.error).toBeNull();
      expect(store.status.current.pendingCount).toBe(0);
      // The first push was applied on the server; the second is answered `duplicate`, once.
      const res = await fetch(`${server.apiUrl}/participants?limit=1000`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      const rows = ((await res.json()) as { data: { first_name: string }[] }).data;
      expect(rows.filter((p) => p.first_name === 'UnknownStatus')).toHaveLength(1);
    } finally {
      rewrite = null;
      await store.close();
    }
  });

  it('serves a client of the previous protocol, and tells one it no longer serves to update, its waiting changes kept', async () => {
    const store = await device();
    try {
      protocolHeader = String(MINIMUM_PROTOCOL_VERSION);
      await store.create('participants', { first_name: 'FromOlderApp', last_name: 'V1', group_id: null });
      const older = await store.sync();
      expect(older.error).toBeNull();
      expect(older.pushed).toBe(1);

      protocolHeader = String(MINIMUM_PROTOCOL_VERSION - 1);
      await store.create('participants', { first_name: 'WaitsForUpdate', last_name: 'V0', group_id: null });
      const refused = await store.sync();
      expect(refused.error?.code).toBe('upgrade_required');
      expect(store.status.current.upgradeRequired).toEqual({ minimumProtocol: MINIMUM_PROTOCOL_VERSION });
      expect(store.status.current.pendingCount).toBe(1);
      expect((await readSyncState(store.db)).upgradeRequired).toMatchObject({
        minimumProtocol: MINIMUM_PROTOCOL_VERSION,
      });
      const stillWaiting = await store.db._outbox.toArray();
      expect(
        stillWaiting.some((e) => e.status === 'pending' && e.payload?.first_name === 'WaitsForUpdate'),
      ).toBe(true);

      protocolHeader = null; // the app updated
      const updated = await store.sync();
      expect(updated.error).toBeNull();
      expect(updated.pushed).toBe(1);
      expect(store.status.current.upgradeRequired).toBeNull();
      expect((await readSyncState(store.db)).upgradeRequired).toBeNull();
    } finally {
      protocolHeader = null;
      await store.close();
    }
  });
});
