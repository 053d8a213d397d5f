import {
  ENTITY_TYPE_SINCE,
  MINIMUM_PROTOCOL_VERSION,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
} from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../src/sync/cursor';
import { serverEpoch } from '../src/sync/pull';
import { TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, type Client, client, type Json, newParticipant, startFor } from './helpers';

/**
 * Versions and recovery (docs/sync-protocol.md, "Versions" and "Recovery"): the server reads the
 * client's protocol, refuses one it no longer serves with 426, answers a cursor it cannot honour
 * with a full refresh and its reason, and never splits a transaction across pull pages.
 */
describe.each(BACKENDS)('protocol versions and recovery on %s', (backend) => {
  let server: TestServer;
  let other: TestServer | null = null;
  let leader: Client;
  let token: string;

  beforeAll(async () => {
    server = await startFor(backend);
    token = await server.login('leader@pack-a.test');
    leader = client(server, token);
  }, 90_000);
  afterAll(async () => {
    await other?.close();
    await server?.close();
  });

  const pullWith = (protocol: string | null, query = 'limit=50') =>
    leader.raw(
      'GET',
      `/sync/pull?${query}`,
      undefined,
      protocol === null ? {} : { [PROTOCOL_HEADER]: protocol },
    );

  it('serves the current and every supported older protocol, and tells an older one to update with 426', async () => {
    for (const version of [MINIMUM_PROTOCOL_VERSION, PROTOCOL_VERSION]) {
      const res = await pullWith(String(version));
      expect(res.status).toBe(200);
      expect(res.headers.get(PROTOCOL_HEADER)).toBe(String(PROTOCOL_VERSION));
      // An older client is sent only the entity types its version knows.
      for (const c of res.body.data.changes as Json[])
        expect(ENTITY_TYPE_SINCE[c.entityType as keyof typeof ENTITY_TYPE_SINCE]).toBeLessThanOrEqual(
          version,
        );
    }
    expect((await pullWith(null)).status).toBe(200);

    const old = String(MINIMUM_PROTOCOL_VERSION - 1);
    const refusedPull = await pullWith(old);
    expect(refusedPull.status).toBe(426);
    expect(refusedPull.body.error).toMatchObject({
      code: 'upgrade_required',
      details: { minimumProtocol: MINIMUM_PROTOCOL_VERSION, protocol: PROTOCOL_VERSION },
    });
    // Push and sign-in too: nothing of the push is applied.
    const refusedPush = await leader.raw(
      'POST',
      '/sync/push',
      { clientId: 'device-old', changes: [] },
      { [PROTOCOL_HEADER]: old },
    );
    expect(refusedPush.status).toBe(426);
    const refusedLogin = await fetch(`${server.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: old },
      body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
    });
    expect(refusedLogin.status).toBe(426);

    const garbled = await pullWith('two');
    expect(garbled.status).toBe(400);
    expect(garbled.body.error.code).toBe('bad_request');
  });

  it('answers a cursor signed with another secret, of another database or of an unknown position with a full refresh and its reason', async () => {
    const { cursor } = await leader.pullAll();
    const [body] = cursor.split('.');
    const decoded = JSON.parse(Buffer.from(body as string, 'base64url').toString());
    expect(decoded.e).toBe(await serverEpoch(server.database));

    const rotated = new CursorCodec('a-secret-from-before-the-rotation').encode(decoded);
    const unverified = await leader.get(`/sync/pull?cursor=${encodeURIComponent(rotated)}`);
    expect(unverified.status).toBe(200);
    expect(unverified.body.data).toMatchObject({
      fullRefresh: true,
      fullRefreshReason: 'unverified',
      changes: [],
    });

    // A position this database never wrote: the cursor of a device that synced with the
    // database after the backup it was restored from was taken.
    const codec = new CursorCodec(TEST_JWT_SECRET);
    const future = codec.encode({ ...decoded, k: 'log', s: 9_000_000_000 });
    const unknown = await leader.get(`/sync/pull?cursor=${encodeURIComponent(future)}`);
    expect(unknown.body.data).toMatchObject({ fullRefresh: true, fullRefreshReason: 'unknown_position' });
    const beyond = codec.encode({ ...decoded, k: 'log', x: '99999999999', s: 0 });
    const notReached = await leader.get(`/sync/pull?cursor=${encodeURIComponent(beyond)}`);
    expect(notReached.body.data).toMatchObject({ fullRefresh: true, fullRefreshReason: 'unknown_position' });

    // Another server with the same secret, on its own database.
    other = await startFor(backend);
    const elsewhere = client(other, await other.login('leader@pack-a.test'));
    const otherServer = await elsewhere.get(`/sync/pull?cursor=${encodeURIComponent(cursor)}`);
    expect(otherServer.body.data).toMatchObject({ fullRefresh: true, fullRefreshReason: 'other_server' });
    // The fresh cursor it answers pages a whole snapshot of that server.
    const fresh = await elsewhere.pullAll(otherServer.body.data.cursor);
    expect(fresh.changes.length).toBeGreaterThan(0);

    // The cursor itself stays good where it was issued.
    const same = await leader.get(`/sync/pull?cursor=${encodeURIComponent(cursor)}`);
    expect(same.body.data.fullRefresh).toBe(false);
  }, 90_000);

  /** Pages from `cursor` at `limit` until `done` holds (PostgreSQL shows a commit once every older transaction ended). */
  async function pagesUntil(cursor: string | undefined, limit: number, done: (changes: Json[]) => boolean) {
    const pages: Json[][] = [];
    let next = cursor;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await leader.get(
        `/sync/pull?limit=${limit}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`,
      );
      expect(res.status).toBe(200);
      pages.push(res.body.data.changes);
      next = res.body.data.cursor;
      if (!res.body.data.hasMore) {
        if (done(pages.flat()) || Date.now() > deadline) return { pages, cursor: next as string };
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Each page holding an honor's upsert (or delete) holds its points' upsert (or delete) too. */
  function expectWhole(
    pages: Json[][],
    honorIds: number[],
    op: 'upsert' | 'delete',
    pointsOf: Map<number, number>,
  ) {
    let found = 0;
    for (const page of pages) {
      for (const c of page) {
        if (c.entityType !== 'honors' || c.op !== op || !honorIds.includes(c.id)) continue;
        found += 1;
        const pointsId = pointsOf.get(c.id);
        expect(page.some((p: Json) => p.entityType === 'points' && p.op === op && p.id === pointsId)).toBe(
          true,
        );
      }
    }
    expect(found).toBe(honorIds.length);
  }

  it('never splits an honor from its points, nor its delete from theirs, at any page size down to 1', async () => {
    const start = await leader.pullAll();
    const p = await newParticipant(leader, 'Pages');
    const honorIds: number[] = [];
    const versions = new Map<number, string>();
    for (const reason of ['One', 'Two', 'Three']) {
      const res = await leader.post('/honors', { participant_id: p.id, date: '2026-07-04', reason });
      expect(res.status).toBe(201);
      honorIds.push(res.body.data.id);
      versions.set(res.body.data.id, res.body.data.updated_at);
    }
    const points = await leader.get(`/points?participant_id=${p.id}`);
    const pointsOf = new Map<number, number>(points.body.data.map((row: Json) => [row.honor_id, row.id]));
    expect(pointsOf.size).toBe(3);
    const seenAll = (changes: Json[]) =>
      honorIds.every((id) => changes.some((c) => c.entityType === 'honors' && c.id === id));

    for (const limit of [1, 2]) {
      const log = await pagesUntil(start.cursor, limit, seenAll);
      expectWhole(log.pages, honorIds, 'upsert', pointsOf);
      const snapshot = await pagesUntil(undefined, limit, seenAll);
      expectWhole(snapshot.pages, honorIds, 'upsert', pointsOf);
      // A snapshot sends each points row once, with its honor.
      const sent = snapshot.pages
        .flat()
        .filter((c) => c.entityType === 'points' && honorIds.includes(c.entity.honor_id));
      expect(sent).toHaveLength(3);
    }

    const before = await pagesUntil(start.cursor, 50, seenAll);
    for (const id of honorIds)
      expect((await leader.delete(`/honors/${id}?updated_at=${versions.get(id)}`)).status).toBeLessThan(300);
    const deletes = await pagesUntil(before.cursor, 1, (changes) =>
      honorIds.every((id) =>
        changes.some((c) => c.entityType === 'honors' && c.op === 'delete' && c.id === id),
      ),
    );
    expectWhole(deletes.pages, honorIds, 'delete', pointsOf);
  }, 90_000);
});
