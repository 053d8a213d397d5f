import { FULL_REFRESH_AFTER_MS } from '@wampums/schema';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../src/sync/cursor';
import { pruneChangeLog } from '../src/sync/log-position';
import { TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, type Client, change, client, type Json, newParticipant, startFor } from './helpers';

const key = (c: Json) => `${c.entityType}:${c.id}`;

describe.each(BACKENDS)('pull on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let otherOrg: Client;

  beforeAll(async () => {
    server = await startFor(backend);
    leader = client(server, await server.login('leader@pack-a.test'));
    otherOrg = client(server, await server.login('leader@pack-b.test'));
  });
  afterAll(() => server?.close());

  it('pages a snapshot of exactly the organization rows, parents first, each row once', async () => {
    const { changes } = await leader.pullAll(undefined, 7);
    const ids = changes.map(key);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      changes.every(
        (c: Json) => c.op === 'upsert' && c.entity.organization_id === changes[0].entity.organization_id,
      ),
    ).toBe(true);
    const participants = await leader.get('/participants?limit=1000');
    expect(changes.filter((c: Json) => c.entityType === 'participants')).toHaveLength(
      participants.body.data.length,
    );
    const firstAttendance = changes.findIndex((c: Json) => c.entityType === 'attendance');
    const lastParticipant = changes.findLastIndex((c: Json) => c.entityType === 'participants');
    expect(lastParticipant).toBeLessThan(firstAttendance);
    const orgB = await otherOrg.pullAll(undefined, 500);
    expect(
      orgB.changes.some(
        (c: Json) => ids.includes(key(c)) && c.entity.organization_id === changes[0].entity.organization_id,
      ),
    ).toBe(false);
  });

  it('returns every change after a cursor, deletes and cascaded deletes included, and nothing of another organization', async () => {
    const start = await leader.pullAll();
    const p = await newParticipant(leader, 'Cascade');
    const honor = await leader.post('/honors', {
      participant_id: p.id,
      date: '2026-07-03',
      reason: 'Cascade',
    });
    const att = await leader.post('/attendance', {
      participant_id: p.id,
      date: '2026-07-03',
      status: 'present',
    });
    await otherOrg.post('/groups', { name: 'Not for A' });
    const mid = await leader.pullUntil(
      start.cursor,
      (changes) => changes.some((c) => key(c) === `attendance:${att.body.data.id}`),
      2,
    );
    expect(mid.changes.map(key)).toEqual(
      expect.arrayContaining([
        `participants:${p.id}`,
        `honors:${honor.body.data.id}`,
        `attendance:${att.body.data.id}`,
      ]),
    );
    expect(mid.changes.filter((c: Json) => c.entityType === 'points')).toHaveLength(1);
    expect(mid.changes.some((c: Json) => c.entity?.name === 'Not for A')).toBe(false);

    await leader.delete(`/participants/${p.id}`);
    const after = await leader.pullUntil(
      mid.cursor,
      (changes) => changes.filter((c) => c.op === 'delete').length >= 4,
      2,
    );
    const deletes = after.changes
      .filter((c: Json) => c.op === 'delete')
      .map(key)
      .sort();
    const pointsId = mid.changes.find((c: Json) => c.entityType === 'points').id;
    expect(deletes).toEqual(
      [
        `attendance:${att.body.data.id}`,
        `honors:${honor.body.data.id}`,
        `participants:${p.id}`,
        `points:${pointsId}`,
      ].sort(),
    );
    const again = await leader.pullAll(after.cursor);
    expect(again.changes).toEqual([]);
  });

  it('continues a snapshot with the changes made while it was being paged', async () => {
    const first = await leader.raw('GET', '/sync/pull?limit=5');
    expect(first.body.data.hasMore).toBe(true);
    const p = await newParticipant(leader, 'Pendant');
    const { changes } = await leader.pullAll(first.body.data.cursor, 50);
    expect(changes.some((c: Json) => key(c) === `participants:${p.id}`)).toBe(true);
  });

  it('refuses a tampered cursor and asks for a full refresh when the cursor is too old or pruned', async () => {
    const { cursor } = await leader.pullAll();
    const [body, mac] = cursor.split('.');
    const tampered = `${Buffer.from(Buffer.from(body!, 'base64url').toString().replace('"s":', '"s":1')).toString('base64url')}.${mac}`;
    const bad = await leader.get(`/sync/pull?cursor=${tampered}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('bad_request');

    const codec = new CursorCodec(TEST_JWT_SECRET);
    const decoded = JSON.parse(Buffer.from(body!, 'base64url').toString());
    const old = codec.encode({ ...decoded, a: Date.now() - FULL_REFRESH_AFTER_MS - 60_000 });
    const refresh = await leader.get(`/sync/pull?cursor=${old}`);
    expect(refresh.body.data).toMatchObject({ fullRefresh: true, hasMore: true, changes: [] });

    await newParticipant(leader, 'Pruned');
    await pruneChangeLog(server.database, new Date(Date.now() + 60_000));
    const pruned = await leader.get(`/sync/pull?cursor=${cursor}`);
    expect(pruned.body.data.fullRefresh).toBe(true);
    const fresh = await leader.pullAll(pruned.body.data.cursor);
    expect(fresh.changes.some((c: Json) => c.entity?.first_name === 'Pruned')).toBe(true);
  });

  it('pages the REST list with an opaque cursor and filters by indexed fields', async () => {
    const p = await newParticipant(leader, 'Liste');
    for (const date of ['2026-06-01', '2026-06-08', '2026-06-15']) {
      await leader.post('/attendance', { participant_id: p.id, date, status: 'present' });
    }
    const page1 = await leader.get(`/attendance?participant_id=${p.id}&limit=2`);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.page.hasMore).toBe(true);
    const page2 = await leader.get(
      `/attendance?participant_id=${p.id}&limit=2&cursor=${page1.body.page.cursor}`,
    );
    expect(page2.body.data).toHaveLength(1);
    expect(page2.body.page).toEqual({ cursor: null, hasMore: false });
    expect((await leader.get('/attendance?colour=blue')).status).toBe(400);
  });
});

describe('pull with overlapping transactions on postgres', () => {
  let server: TestServer;
  let leader: Client;
  const sessions: pg.Client[] = [];

  beforeAll(async () => {
    server = await startFor('postgres');
    leader = client(server, await server.login('leader@pack-a.test'));
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.end()));
    await server?.close();
  });

  const session = async () => {
    const s = new pg.Client({ connectionString: server.databaseUrl });
    await s.connect();
    sessions.push(s);
    return s;
  };

  it('delivers a transaction that commits after a later one, with an earlier sequence number', async () => {
    const { cursor } = await leader.pullAll();
    const orgId = (await leader.get('/groups?limit=1')).body.data[0].organization_id;
    const early = await session();
    const late = await session();
    // `late` gets the older transaction id, `early` the earlier log sequence number.
    await late.query('BEGIN');
    await late.query('SELECT pg_current_xact_id()');
    await early.query('BEGIN');
    await early.query(
      `INSERT INTO groups (organization_id, name, section) VALUES ($1, 'Early seq', 'general')`,
      [orgId],
    );
    await late.query(
      `INSERT INTO groups (organization_id, name, section) VALUES ($1, 'Late seq', 'general')`,
      [orgId],
    );
    await late.query('COMMIT');
    // A device pushes meanwhile and pulls: it must not move past the still-running transaction.
    const pushed = await leader.push([change('groups', 'create', { payload: { name: 'Pushed meanwhile' } })]);
    expect(pushed.body.data.results[0].status).toBe('applied');
    const during = await leader.pullAll(cursor);
    await early.query('COMMIT');
    const after = await leader.pullAll(during.cursor);
    const names = [...during.changes, ...after.changes].map((c: Json) => c.entity?.name);
    expect(names).toEqual(expect.arrayContaining(['Early seq', 'Late seq', 'Pushed meanwhile']));
    expect(after.changes.map((c: Json) => c.entity?.name)).toContain('Early seq');
  });
});
