import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../src/db/pg-database';
import { createTestDatabase, startTestServer, TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, change, client, HOOK_TIMEOUT, type Json, startFor, ticketFor } from './helpers';

/** `count` group creates, named `${prefix} n`. */
function groups(prefix: string, count: number) {
  return Array.from({ length: count }, (_, n) =>
    change('groups', 'create', { payload: { name: `${prefix} ${n}` } }),
  );
}

async function groupNamesLike(server: TestServer, prefix: string): Promise<string[]> {
  const rows = await server.database.query<{ name: string }>('SELECT name FROM groups WHERE name LIKE $1', [
    `${prefix} %`,
  ]);
  return rows.map((r) => r.name);
}

/** Opens a live stream; resolves to its HTTP status, a reader of its text and a way to close it. */
async function openStream(apiUrl: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(`${apiUrl}/sync/events?ticket=${await ticketFor(apiUrl, token)}`, {
    signal: controller.signal,
  });
  let text = '';
  const reader = res.status === 200 ? res.body!.getReader() : null;
  const decoder = new TextDecoder();
  const body: Json = res.status === 200 ? null : await res.json();
  return {
    status: res.status,
    body,
    retryAfter: res.headers.get('retry-after'),
    /** Waits until `count` change events arrived. */
    async events(count: number): Promise<number> {
      for (;;) {
        const seen = text.split('event: changes').length - 1;
        if (seen >= count) return seen;
        const { value, done } = await reader!.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

describe.each(BACKENDS)('fairness under load on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend, {
      load: { pushesPerUser: 1, pushesPerOrganization: 2, pushQueueWaitMs: 50, streamsPerUser: 3 },
    });
  }, HOOK_TIMEOUT);
  afterAll(() => server?.close());

  it("refuses a user's pushes over their share with 429 and Retry-After, writes nothing of them, and a resend applies each change once", async () => {
    const api = client(server, await server.login('leader@pack-a.test'));
    const batches = [0, 1, 2, 3].map((b) => groups(`Share ${b}`, 150));
    const answers = await Promise.all(batches.map((batch) => api.push(batch)));
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.body.error.code).toBe('rate_limited');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    for (const [b, answer] of answers.entries()) {
      const written = await groupNamesLike(server, `Share ${b}`);
      expect(written).toHaveLength(answer.status === 200 ? 150 : 0);
    }
    // What a client does: send the refused ones again, unchanged, after Retry-After.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const [b, answer] of answers.entries()) {
      if (answer.status !== 200) expect((await api.push(batches[b]!)).status).toBe(200);
    }
    for (const b of [0, 1, 2, 3]) expect(await groupNamesLike(server, `Share ${b}`)).toHaveLength(150);
  });

  it("serves another organization's push and the health check while one organization floods", async () => {
    const flooders = await Promise.all(
      ['admin@pack-a.test', 'leader@pack-a.test'].map(async (email) =>
        client(server, await server.login(email)),
      ),
    );
    const other = client(server, await server.login('leader@pack-b.test'));
    let flooding = true;
    const flood = Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        const api = flooders[n % 2]!;
        while (flooding) {
          const answer = await api.push(groups(`Flood ${n}`, 200));
          expect([200, 429, 503]).toContain(answer.status);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const healthMs: number[] = [];
    const pushMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t0 = performance.now();
      expect((await fetch(`${server.apiUrl}/health`)).status).toBe(200);
      healthMs.push(performance.now() - t0);
      t0 = performance.now();
      const answer = await other.push(groups(`Other ${i}`, 5));
      expect(answer.status).toBe(200);
      pushMs.push(performance.now() - t0);
    }
    flooding = false;
    await flood;
    expect(server.admission.refused).toBeGreaterThan(0);
    // Without the shares a health check waited behind every queued push: seconds on PGlite.
    expect(Math.max(...healthMs)).toBeLessThan(1500);
    expect(Math.max(...pushMs)).toBeLessThan(5000);
  });

  it('holds a user to their live streams (429 with Retry-After), and gives the slot back when one closes', async () => {
    const token = await server.login('viewer@pack-a.test');
    const open = [await openStream(server.apiUrl, token), await openStream(server.apiUrl, token)];
    open.push(await openStream(server.apiUrl, token));
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await openStream(server.apiUrl, token);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.retryAfter).toBe('1');
    // Another user is not held by it.
    const other = await openStream(server.apiUrl, await server.login('admin@pack-a.test'));
    expect(other.status).toBe(200);
    open[0]!.close();
    let again = await openStream(server.apiUrl, token);
    for (let i = 0; again.status !== 200 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await openStream(server.apiUrl, token);
    }
    expect(again.status).toBe(200);
    for (const s of [...open, other, again]) s.close();
  });

  it('reads the head once per commit for all streams of an organization, not once per stream', async () => {
    const writer = client(server, await server.login('leader@pack-b.test'));
    const readsFor = async (streams: number, n: number) => {
      // Streams of several users: each is held to three.
      const tokens = await Promise.all(
        Array.from({ length: Math.ceil(streams / 3) }, async (_, u) => {
          const email = `stream-reader-${backend}-${n}-${u}@pack-b.test`;
          await server.database.query(
            `INSERT INTO users (organization_id, email, name, role, password_hash)
             SELECT organization_id, $1, 'Reader', 'viewer', password_hash FROM users WHERE email = 'leader@pack-b.test'`,
            [email],
          );
          return server.login(email);
        }),
      );
      const open = [];
      for (let s = 0; s < streams; s++)
        open.push(await openStream(server.apiUrl, tokens[Math.floor(s / 3)]!));
      expect(open.every((s) => s.status === 200)).toBe(true);
      const before = server.liveStreams.headReads;
      expect((await writer.push(groups(`Fan ${n}`, 1))).status).toBe(200);
      await Promise.all(open.map((s) => s.events(1)));
      const reads = server.liveStreams.headReads - before;
      for (const s of open) s.close();
      return reads;
    };
    const one = await readsFor(1, 1);
    const many = await readsFor(24, 2);
    expect(one).toBeGreaterThanOrEqual(1);
    expect(many).toBe(one);
  });
});

describe('database timeouts on postgres', () => {
  let server: TestServer;
  let locker: pg.Client;
  beforeAll(async () => {
    server = await startTestServer({
      backend: 'postgres',
      database: { statementTimeoutMs: 400, idleInTransactionTimeoutMs: 5000, acquireTimeoutMs: 2000 },
    });
    locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await server?.close();
  });

  it('runs every pool session with the configured timeouts', async () => {
    const [statement] = await server.database.query<{ statement_timeout: string }>('SHOW statement_timeout');
    const [idle] = await server.database.query<{ idle_in_transaction_session_timeout: string }>(
      'SHOW idle_in_transaction_session_timeout',
    );
    expect(statement?.statement_timeout).toBe('400ms');
    expect(idle?.idle_in_transaction_session_timeout).toBe('5s');
  });

  it('ends a transaction left idle past its timeout with a 503 error, and the pool keeps serving', async () => {
    const db = await openPgDatabase(server.databaseUrl as string, { idleInTransactionTimeoutMs: 300 });
    try {
      const idle = db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await new Promise((resolve) => setTimeout(resolve, 800));
        await tx.query('SELECT 1');
      });
      // Without a listener on the checked-out session, the server ending it crashed the process.
      await expect(idle).rejects.toMatchObject({ code: 'service_unavailable' });
      expect(await db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    } finally {
      await db.close();
    }
  });

  it('answers a push whose statement times out 503 with Retry-After; the retry writes each change once', async () => {
    const api = client(server, await server.login('leader@pack-a.test'));
    const created = await api.push(groups('Held', 1));
    const held: Json = created.body.data.results[0];
    const [row] = await server.database.query<{ updated_at: string }>(
      'SELECT updated_at FROM groups WHERE id = $1',
      [held.serverId],
    );
    // 200 creates commit in the first transaction; the second waits on a row another session holds.
    const push = [
      ...groups('Timed', 230),
      change('groups', 'update', {
        entityId: held.serverId,
        payload: { name: 'Held renamed' },
        baseUpdatedAt: row?.updated_at ?? null,
      }),
    ];
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM groups WHERE id = $1 FOR UPDATE', [held.serverId]);
    const first = await api.push(push);
    await locker.query('ROLLBACK');
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe('service_unavailable');
    expect(first.headers.get('retry-after')).toBe('2');
    expect(await groupNamesLike(server, 'Timed')).toHaveLength(200);

    const retry = await api.push(push);
    expect(retry.status).toBe(200);
    // The 200 committed before the timeout answer from their receipts; the rest are applied now.
    const statuses = retry.body.data.results.map((r: Json) => r.status);
    expect(statuses.slice(0, 200).every((st: string) => st === 'duplicate')).toBe(true);
    expect(statuses.slice(200).every((st: string) => st === 'applied')).toBe(true);
    const names = await groupNamesLike(server, 'Timed');
    expect(names).toHaveLength(230);
    expect(new Set(names).size).toBe(230);
    const [renamed] = await server.database.query<{ name: string }>('SELECT name FROM groups WHERE id = $1', [
      held.serverId,
    ]);
    expect(renamed?.name).toBe('Held renamed');
  });
});

/** Two instances on one fresh PostgreSQL database, as behind a load balancer. */
function twoInstances(options: Parameters<typeof startTestServer>[0]) {
  const state = {} as { database: { url: string; drop(): Promise<void> }; a: TestServer; b: TestServer };
  beforeAll(async () => {
    state.database = await createTestDatabase();
    const shared = { ...options, databaseUrl: state.database.url, jwtSecret: TEST_JWT_SECRET };
    state.a = await startTestServer(shared);
    state.b = await startTestServer({ ...shared, seedDemo: false });
  }, HOOK_TIMEOUT);
  afterAll(async () => {
    await state.a?.close();
    await state.b?.close();
    await state.database?.drop();
  });
  return state;
}

describe('the rate limit shared by instances on one postgres', () => {
  const s = twoInstances({ rateLimit: { max: 6, timeWindow: 60_000 } });

  it("counts a user's requests on both instances against one budget, under hashed keys", async () => {
    const token = await s.a.login('leader@pack-b.test');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const server = i % 2 === 0 ? s.a : s.b;
      statuses.push((await client(server, token).get('/groups')).status);
    }
    // Six requests in the window, whichever instance took them; each alone would allow six.
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(6)).toEqual([429, 429]);
    const keys = await s.a.database.query<{ key_hash: string; hits: number }>(
      'SELECT key_hash, hits FROM rate_limit_hits',
    );
    expect(keys.some((k) => k.hits === 8)).toBe(true);
    for (const k of keys) expect(k.key_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('live streams per user shared by instances on one postgres', () => {
  const s = twoInstances({ load: { streamsPerUser: 2 } });

  it("counts a user's live streams on both instances against one cap", async () => {
    const token = await s.a.login('leader@pack-b.test');
    const first = await openStream(s.a.apiUrl, token);
    const second = await openStream(s.b.apiUrl, token);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await openStream(s.a.apiUrl, token);
    const fourth = await openStream(s.b.apiUrl, token);
    expect([third.status, fourth.status]).toEqual([429, 429]);
    second.close();
    let again = await openStream(s.a.apiUrl, token);
    for (let i = 0; again.status !== 200 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await openStream(s.a.apiUrl, token);
    }
    expect(again.status).toBe(200);
    first.close();
    again.close();
  });
});
