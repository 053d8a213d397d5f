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

  it('leaves out the row versions a device pushed itself, and still sends derived points, cascades and later edits by others', async () => {
    const device = 'device-echo';
    const has = (id: string) => (changes: Json[]) => changes.some((c) => key(c) === id);
    const start = await leader.pullAll();
    const group = change('groups', 'create', { payload: { name: 'Patrouille écho' } });
    const kid = change('participants', 'create', {
      payload: { first_name: 'Écho', last_name: 'Propre', group_id: group.tempId },
    });
    const honor = change('honors', 'create', {
      payload: { participant_id: kid.tempId, date: '2026-07-20', reason: 'Écho' },
    });
    const att = change('attendance', 'create', {
      payload: { participant_id: kid.tempId, date: '2026-07-20', status: 'present' },
    });
    const pushed = await leader.push([group, kid, honor, att], device);
    expect(pushed.body.data.results.map((r: Json) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    const [g, p, h, a] = pushed.body.data.results;
    const mine = [
      `groups:${g.serverId}`,
      `participants:${p.serverId}`,
      `honors:${h.serverId}`,
      `attendance:${a.serverId}`,
    ];
    // A row written after the push: once it shows, the push shows too.
    const marker = await newParticipant(leader, 'Repère');
    const own = await leader.pullUntil(start.cursor, has(`participants:${marker.id}`), 200, 20_000, device);
    for (const id of mine) expect(own.changes.map(key)).not.toContain(id);
    const points = own.changes.filter((c: Json) => c.entityType === 'points');
    expect(points).toHaveLength(1);
    expect(points[0].entity).toMatchObject({ honor_id: h.serverId, participant_id: p.serverId });
    // Without clientId nothing changes: every row comes.
    const everything = await leader.pullAll(start.cursor);
    expect(everything.changes.map(key)).toEqual(expect.arrayContaining([...mine, key(points[0])]));
    // Another device pulling with its own clientId gets them all too.
    const other = await leader.pullAll(start.cursor, 200, 'another-device');
    expect(other.changes.map(key)).toEqual(expect.arrayContaining([...mine, key(points[0])]));

    // This device's own edit is left out; an edit by another device after it comes.
    const edit = change('participants', 'update', {
      entityId: p.serverId,
      payload: { notes: 'mine' },
      baseUpdatedAt: p.entity.updated_at,
    });
    expect((await leader.push([edit], device)).body.data.results[0].status).toBe('applied');
    const marker2 = await newParticipant(leader, 'Repère2');
    const afterEdit = await leader.pullUntil(
      own.cursor,
      has(`participants:${marker2.id}`),
      200,
      20_000,
      device,
    );
    expect(afterEdit.changes.map(key)).not.toContain(`participants:${p.serverId}`);
    const theirs = change('participants', 'update', { entityId: p.serverId, payload: { notes: 'theirs' } });
    expect((await leader.push([theirs], 'another-device')).body.data.results[0].status).toBe('applied');
    const afterOther = await leader.pullUntil(
      afterEdit.cursor,
      has(`participants:${p.serverId}`),
      200,
      20_000,
      device,
    );
    expect(afterOther.changes.find((c: Json) => key(c) === `participants:${p.serverId}`).entity.notes).toBe(
      'theirs',
    );

    // This device deletes its participant: that delete is left out, the cascaded ones come.
    const del = change('participants', 'delete', { entityId: p.serverId });
    expect((await leader.push([del], device)).body.data.results[0].status).toBe('applied');
    const marker3 = await newParticipant(leader, 'Repère3');
    const afterDelete = await leader.pullUntil(
      afterOther.cursor,
      has(`participants:${marker3.id}`),
      200,
      20_000,
      device,
    );
    expect(afterDelete.changes.map(key)).not.toContain(`participants:${p.serverId}`);
    expect(
      afterDelete.changes
        .filter((c: Json) => c.op === 'delete')
        .map(key)
        .sort(),
    ).toEqual([`attendance:${a.serverId}`, `honors:${h.serverId}`, key(points[0])].sort());

    // Another device deletes this device's group: the group's delete comes.
    await leader.delete(`/groups/${g.serverId}`);
    const afterGroup = await leader.pullUntil(
      afterDelete.cursor,
      has(`groups:${g.serverId}`),
      200,
      20_000,
      device,
    );
    expect(afterGroup.changes.find((c: Json) => key(c) === `groups:${g.serverId}`).op).toBe('delete');
  });

  it('sends the rows a server cascade changed after a device pushed them', async () => {
    const device = 'device-cascade';
    const start = await leader.pullAll();
    const group = change('groups', 'create', { payload: { name: 'Patrouille dissoute' } });
    const kid = change('participants', 'create', {
      payload: { first_name: 'Orphelin', last_name: 'Propre', group_id: group.tempId },
    });
    const pushed = await leader.push([group, kid], device);
    const [g, p] = pushed.body.data.results;
    // Deleted by another device: the participant's group_id is set null by the database.
    expect(
      (await leader.push([change('groups', 'delete', { entityId: g.serverId })], 'another-device')).status,
    ).toBe(200);
    const pulled = await leader.pullUntil(
      start.cursor,
      (changes) => changes.some((c) => key(c) === `participants:${p.serverId}`),
      200,
      20_000,
      device,
    );
    const row = pulled.changes.find((c: Json) => key(c) === `participants:${p.serverId}`);
    expect(row.entity.group_id).toBeNull();
    expect(pulled.changes.find((c: Json) => key(c) === `groups:${g.serverId}`)?.op).toBe('delete');
  });

  it("reads past pages of a device's own rows in one request, and sends a snapshot whole", async () => {
    const device = 'device-many';
    const start = await leader.pullAll();
    const creates = Array.from({ length: 60 }, (_, i) =>
      change('participants', 'create', { payload: { first_name: `Moi${i}`, last_name: 'Nombreux' } }),
    );
    const pushed = await leader.push(creates, device);
    expect(pushed.body.data.results.every((r: Json) => r.status === 'applied')).toBe(true);
    const marker = await newParticipant(leader, 'Repère');
    await leader.pullUntil(start.cursor, (changes) =>
      changes.some((c) => key(c) === `participants:${marker.id}`),
    );
    const own = await leader.pullAll(start.cursor, 10, device);
    expect(own.changes.map(key)).toEqual([`participants:${marker.id}`]);
    expect(own.requests).toBe(1);
    const again = await leader.pullAll(own.cursor, 10, device);
    expect(again.changes).toEqual([]);
    // A snapshot ignores clientId: a device replacing its stores gets every row.
    const snapshot = await leader.pullAll(undefined, 500, device);
    const ids = new Set(snapshot.changes.map(key));
    for (const r of pushed.body.data.results) expect(ids.has(`participants:${r.serverId}`)).toBe(true);
  });

  it("pages the changes of others between a device's own, never more than the limit, none lost", async () => {
    const device = 'device-mixed';
    const start = await leader.pullAll();
    const others: string[] = [];
    for (let i = 0; i < 7; i++) {
      const own = Array.from({ length: 5 }, (_, k) =>
        change('participants', 'create', { payload: { first_name: `Moi${i}-${k}`, last_name: 'Mêlé' } }),
      );
      expect((await leader.push(own, device)).status).toBe(200);
      others.push(`participants:${(await newParticipant(leader, `Autre${i}`)).id}`);
    }
    await leader.pullUntil(start.cursor, (changes) => changes.some((c) => key(c) === others.at(-1)));
    let cursor = start.cursor;
    const got: string[] = [];
    for (let pages = 0; pages < 20; pages++) {
      const res = await leader.get(
        `/sync/pull?limit=3&clientId=${device}&cursor=${encodeURIComponent(cursor)}`,
      );
      expect(res.body.data.changes.length).toBeLessThanOrEqual(3);
      got.push(...res.body.data.changes.map(key));
      cursor = res.body.data.cursor;
      if (!res.body.data.hasMore) break;
    }
    expect(got).toEqual(others);
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
    const after = await leader.pullUntil(during.cursor, (changes) =>
      changes.some((c: Json) => c.entity?.name === 'Early seq'),
    );
    const names = [...during.changes, ...after.changes].map((c: Json) => c.entity?.name);
    expect(names).toEqual(expect.arrayContaining(['Early seq', 'Late seq', 'Pushed meanwhile']));
    expect(after.changes.map((c: Json) => c.entity?.name)).toContain('Early seq');
  });
});
