import { startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openOfflineStore } from '../src/open-offline-store';
import type { OfflineStore, OfflineStoreOptions } from '../src/types';
import { fakeIdb } from './helpers';
import { NodeEventSource } from './node-event-source';

interface Session {
  token: string;
  user: { id: number; organizationId: number };
}

async function signIn(server: TestServer, email: string): Promise<Session> {
  const res = await fetch(`${server.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'offline-first' }),
  });
  const body = (await res.json()) as { data: { token: string; user: Session['user'] } };
  return { token: body.data.token, user: body.data.user };
}

async function rest(server: TestServer, token: string, path: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await fetch(`${server.apiUrl}${path}${sep}limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json()) as { data: Record<string, unknown>[]; page: { cursor: string | null } };
    rows.push(...body.data);
    cursor = body.page.cursor;
  } while (cursor);
  return rows;
}

for (const backend of ['pglite', 'postgres'] as const) {
  describe(`against the real server (${backend})`, () => {
    let server: TestServer;
    const stores: OfflineStore[] = [];
    beforeAll(async () => {
      server = await startTestServer({ backend });
    }, 90_000);
    afterAll(async () => {
      for (const s of stores) await s.close();
      await server?.close();
    });

    async function device(email: string, options: Partial<OfflineStoreOptions> = {}) {
      const session = await signIn(server, email);
      const store = await openOfflineStore({
        baseUrl: server.url,
        getToken: async () => session.token,
        user: session.user,
        ...fakeIdb(),
        autoSync: false,
        eventSource: null,
        ...options,
      });
      stores.push(store);
      return { store, session };
    }

    it('a family created offline reaches the server once, with server ids everywhere', async () => {
      const { store, session } = await device('leader@pack-a.test');
      const first = await store.sync();
      expect(first.error).toBeNull();
      expect(first.pulled).toBeGreaterThan(0);
      const group = await store.create('groups', { name: 'Castors du lac' });
      const kid = await store.create('participants', {
        first_name: 'Noé',
        last_name: 'Gagnon',
        group_id: group.id,
      });
      const att = await store.create('attendance', {
        participant_id: kid.id,
        date: '2026-07-14',
        status: 'present',
      });
      await store.create('honors', {
        participant_id: kid.id,
        date: '2026-07-14',
        reason: 'Fire built safely',
      });
      const report = await store.sync();
      expect(report).toMatchObject({ pushed: 4, failed: 0, conflicts: 0, error: null });

      const serverKid = (await rest(server, session.token, '/participants')).find(
        (p) => p.last_name === 'Gagnon',
      );
      expect(serverKid?.group_id).toBe((await store.get('groups', group.id))?.id);
      const local = await store.get('participants', kid.id);
      expect(local?.id).toBe(serverKid?.id);
      expect((await store.get('attendance', att.id))?.participant_id).toBe(serverKid?.id);
      // Points are derived by the server and come back with the pull.
      const points = await store.query('points', { participant_id: serverKid?.id as number });
      expect(points.map((p) => p.value)).toEqual([5]);
      // Syncing again sends and receives nothing new.
      const again = await store.sync();
      expect(again).toMatchObject({ pushed: 0, failed: 0 });
      expect(
        (await rest(server, session.token, '/participants')).filter((p) => p.last_name === 'Gagnon'),
      ).toHaveLength(1);
    });

    it('after pushing its offline creates, the device pulls none of them back: one pull request', async () => {
      const { store, session } = await device('leader@pack-a.test', { pushBatchSize: 25, pullPageSize: 50 });
      expect((await store.sync()).error).toBeNull();
      const created: { type: 'groups' | 'participants' | 'attendance' | 'honors'; id: unknown }[] = [];
      for (let unit = 0; unit < 15; unit++) {
        const group = await store.create('groups', { name: `Patrouille ${unit}` });
        created.push({ type: 'groups', id: group.id });
        for (let k = 0; k < 3; k++) {
          const kid = await store.create('participants', {
            first_name: `Enfant${k}`,
            last_name: `Unité${unit}`,
            group_id: group.id,
          });
          created.push({ type: 'participants', id: kid.id });
          const att = await store.create('attendance', {
            participant_id: kid.id,
            date: '2026-07-21',
            status: 'present',
          });
          created.push({ type: 'attendance', id: att.id });
        }
        const honor = await store.create('honors', {
          participant_id: (await store.query('participants', { group_id: group.id }))[0]?.id as number,
          date: '2026-07-21',
          reason: 'Campement monté',
        });
        created.push({ type: 'honors', id: honor.id });
      }
      expect(created).toHaveLength(120);
      const report = await store.sync();
      expect(report).toMatchObject({ pushed: 120, failed: 0, conflicts: 0, error: null });
      // 5 pushes of 25, then one pull page: at most the 15 points rows the server derived.
      expect(report.requests).toBe(5 + 1);
      expect(report.pulled).toBeLessThanOrEqual(15);
      const serverParticipants = new Map(
        (await rest(server, session.token, '/participants')).map((p) => [p.id, p]),
      );
      for (const type of ['groups', 'participants', 'attendance', 'honors'] as const) {
        const local = await store.query(type);
        const mine = local.filter((r) =>
          type === 'groups'
            ? String(r.name).startsWith('Patrouille ')
            : type === 'participants'
              ? String(r.last_name).startsWith('Unité')
              : r.date === '2026-07-21',
        );
        expect(mine).toHaveLength(created.filter((c) => c.type === type).length);
        expect(mine.every((r) => typeof r.id === 'number')).toBe(true);
      }
      for (const kid of (await store.query('participants')).filter((p) =>
        String(p.last_name).startsWith('Unité'),
      )) {
        expect(serverParticipants.get(kid.id)).toMatchObject({
          group_id: kid.group_id,
          updated_at: kid.updated_at,
        });
      }
      expect(store.status.current.pendingCount).toBe(0);
    });

    it('three devices editing the same records offline converge', async () => {
      const a = await device('leader@pack-a.test');
      const b = await device('admin@pack-a.test');
      const c = await device('leader@pack-a.test');
      for (const d of [a, b, c]) await d.store.sync();
      const kid = (await a.store.query('participants', {}, { limit: 1 }))[0];
      if (!kid) throw new Error('no demo participant');
      const date = '2026-08-01';

      await a.store.update('participants', kid.id, { notes: 'Allergic to peanuts' });
      await b.store.update('participants', kid.id, { first_name: `${String(kid.first_name)}-B` });
      await c.store.update('participants', kid.id, { first_leader: !kid.first_leader });
      await a.store.create('attendance', { participant_id: kid.id, date, status: 'absent' });
      await b.store.create('attendance', { participant_id: kid.id, date, status: 'late' });
      await c.store.create('attendance', { participant_id: kid.id, date, status: 'present' });

      for (const d of [a, b, c]) expect((await d.store.sync()).error).toBeNull();
      // Everyone keeps syncing until all agree with the server. On a busy PostgreSQL a commit
      // reaches pulls only once every older transaction of the cluster has finished, so the
      // last changes may take a few rounds to show.
      await vi.waitFor(
        async () => {
          for (const d of [a, b, c]) expect((await d.store.sync()).error).toBeNull();
          const serverKid = (await rest(server, a.session.token, '/participants')).find(
            (p) => p.id === kid.id,
          );
          expect(serverKid).toMatchObject({
            notes: 'Allergic to peanuts',
            first_name: `${String(kid.first_name)}-B`,
            first_leader: !kid.first_leader,
          });
          const serverAttendance = (
            await rest(server, a.session.token, `/attendance?participant_id=${kid.id}`)
          ).filter((r) => r.date === date);
          expect(serverAttendance).toHaveLength(1);
          for (const d of [a, b, c]) {
            expect(await d.store.get('participants', kid.id)).toMatchObject({
              notes: serverKid?.notes,
              first_name: serverKid?.first_name,
              first_leader: serverKid?.first_leader,
              updated_at: serverKid?.updated_at,
            });
            const local = await d.store.query('attendance', { participant_id: kid.id, date });
            expect(local.map((r) => [r.id, r.status])).toEqual([
              [serverAttendance[0]?.id, serverAttendance[0]?.status],
            ]);
            expect(d.store.status.current.pendingCount).toBe(0);
          }
        },
        { timeout: 30_000, interval: 200 },
      );
    }, 60_000);

    it('a viewer cannot write: the change fails with the server error and is not retried', async () => {
      const { store } = await device('viewer@pack-a.test');
      await store.sync();
      await store.create('groups', { name: 'Not allowed' });
      const report = await store.sync();
      expect(report.failed).toBe(1);
      const [entry] = await store.outbox.list();
      expect(entry).toMatchObject({ status: 'failed', lastError: { code: 'forbidden' } });
      expect((await store.sync()).requests).toBe(1); // the pull only
    });

    it('another organization sees none of these rows', async () => {
      const a = await device('leader@pack-a.test');
      const b = await device('leader@pack-b.test');
      await a.store.sync();
      await b.store.sync();
      const orgsA = new Set((await a.store.query('participants')).map((p) => p.organization_id));
      const orgsB = new Set((await b.store.query('participants')).map((p) => p.organization_id));
      expect(orgsA.size).toBe(1);
      expect(orgsB.size).toBe(1);
      expect([...orgsA][0]).not.toBe([...orgsB][0]);
    });

    it('changes from another device appear within a couple of seconds through the live stream', async () => {
      const watcher = await device('leader@pack-a.test', {
        autoSync: true,
        eventSource: (url) => new NodeEventSource(url),
        pollIntervalMs: 600_000,
      });
      await vi.waitFor(() => expect(watcher.store.status.current.lastSyncAt).not.toBeNull(), {
        timeout: 15_000,
      });
      const writer = await device('admin@pack-a.test');
      await writer.store.create('groups', { name: 'Live group' });
      await writer.store.sync();
      const started = Date.now();
      await vi.waitFor(
        async () =>
          expect((await watcher.store.query('groups')).some((g) => g.name === 'Live group')).toBe(true),
        { timeout: 5_000, interval: 50 },
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    });
  });
}
