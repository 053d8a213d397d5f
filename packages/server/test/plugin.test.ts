import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WampumsError } from '@wampums/schema';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { openPgDatabase } from '../src/db/pg-database';
import { errorResponseOf } from '../src/errors';
import { wampumsSync } from '../src/plugin';
import { seedDemo } from '../src/seed/demo';
import type { SyncAuth } from '../src/sync/auth-adapter';
import { createSyncCore, type SyncCore } from '../src/sync/core';
import { createTestDatabase } from '../src/testing';
import { change, client, HOOK_TIMEOUT, type Json } from './helpers';

/**
 * Another team's server mounting the sync contract: its own sessions (an opaque session id,
 * sent as a bearer token here), its own routes and error handler, and the plugin or the core.
 */
const SESSIONS: Record<string, { userId: number; organizationId: number; role: 'leader' | 'viewer' }> = {};

/** The host's session lookup: `Bearer host-<email>`. */
function sessionOf(authorization: string | undefined) {
  const session = SESSIONS[/^Bearer host-(\S+)$/.exec(authorization ?? '')?.[1] ?? ''];
  if (!session) throw new WampumsError('unauthorized', 'Sign in first');
  return session;
}

const hostAuth: SyncAuth = {
  async authenticate(request) {
    return sessionOf(request.headers.authorization);
  },
};

let created: { url: string; drop(): Promise<void> };
let database: Database;
let host: FastifyInstance;
let hostUrl: string;

beforeAll(async () => {
  created = await createTestDatabase();
  database = await openPgDatabase(created.url);
  await migrate(database);
  await seedDemo(database);
  const users = await database.query<{ id: number; organization_id: number; role: string; email: string }>(
    'SELECT id, organization_id, role, email FROM users ORDER BY id',
  );
  for (const u of users) {
    SESSIONS[u.email] = { userId: u.id, organizationId: u.organization_id, role: u.role as 'leader' };
  }

  host = Fastify({ logger: false });
  // The host's own error shape: the plugin's routes must answer the contract's body anyway.
  host.setErrorHandler((_error, _request, reply) => reply.status(418).send('host error page'));
  host.get('/host/hello', async () => ({ hello: 'from the host' }));
  await host.register(wampumsSync, {
    database,
    auth: hostAuth,
    cursorSecret: 'a-cursor-secret-of-the-host-app',
  });
  hostUrl = (await host.listen({ port: 0, host: '127.0.0.1' })).replace(/\/$/, '');
}, HOOK_TIMEOUT);

afterAll(async () => {
  await host?.close();
  await database?.close();
  await created?.drop();
}, HOOK_TIMEOUT);

const as = (email: string) => {
  const api = client({ apiUrl: `${hostUrl}/api/v1` }, `host-${email}`);
  return {
    push: (changes: unknown[]) => api.push(changes, 'plugin-device'),
    pull: (query = '') => api.get(`/sync/pull${query}`),
  };
};

describe('wampumsSync mounted in another Fastify app', () => {
  it("pushes and pulls with the host's session: the organization comes from it, never the body", async () => {
    const leader = as('leader@pack-a.test');
    const leaderB = as('leader@pack-b.test');
    const forged = await leader.push([
      change('groups', 'create', { payload: { name: 'Forged', organization_id: 999 } }),
    ]);
    expect(forged.body.data.results[0]).toMatchObject({ status: 'rejected' });
    expect(await database.query("SELECT id FROM groups WHERE name = 'Forged'")).toEqual([]);

    const pushed = await leader.push([change('groups', 'create', { payload: { name: 'Hiboux' } })]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.data.results[0]).toMatchObject({ status: 'applied' });
    const serverId = pushed.body.data.results[0].serverId;

    const [row] = await database.query<{ organization_id: number; name: string }>(
      'SELECT organization_id, name FROM groups WHERE id = $1',
      [serverId],
    );
    expect(row).toEqual({ organization_id: SESSIONS['leader@pack-a.test']?.organizationId, name: 'Hiboux' });

    const pulledA = await leader.pull('?limit=500');
    expect(pulledA.status).toBe(200);
    expect(pulledA.body.data.changes.some((c: Json) => c.entityType === 'groups' && c.id === serverId)).toBe(
      true,
    );
    // The other organization's snapshot never holds it.
    const pulledB = await leaderB.pull('?limit=500');
    expect(pulledB.body.data.changes.some((c: Json) => c.entityType === 'groups' && c.id === serverId)).toBe(
      false,
    );
    expect(pushed.headers.get('x-wampums-protocol') ?? pushed.headers.get('X-Wampums-Protocol')).toBeTruthy();
  });

  it("answers the contract's errors inside the plugin and leaves the host's routes to the host", async () => {
    const anonymous = await client({ apiUrl: `${hostUrl}/api/v1` }).push([]);
    // (no session: the plugin's 401 in the contract's body, not the host's 418 page)
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'unauthorized', message: 'Sign in first' } });

    const viewer = await as('viewer@pack-a.test').push([
      change('groups', 'create', { payload: { name: 'X' } }),
    ]);
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.code).toBe('forbidden');

    // A forged cursor starts over (docs/sync-protocol.md, "Recovery"); a bad limit is refused.
    const forged = await as('leader@pack-a.test').pull('?cursor=forged.cursor');
    expect(forged.status).toBe(200);
    expect(forged.body.data).toMatchObject({ fullRefresh: true, fullRefreshReason: 'unverified' });
    const bad = await as('leader@pack-a.test').pull('?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');

    const hello = await fetch(`${hostUrl}/host/hello`);
    expect(await hello.json()).toEqual({ hello: 'from the host' });
  });
});

describe('the framework-neutral core on a plain node:http server', () => {
  let core: SyncCore;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    core = await createSyncCore({ database, cursorSecret: 'another-cursor-secret-0123' });
    server = createServer(async (req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      try {
        const session = sessionOf(req.headers.authorization);
        const path = new URL(req.url ?? '/', 'http://x');
        if (req.method === 'POST' && path.pathname === '/api/v1/sync/push') {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          return send(200, await core.push(session, JSON.parse(Buffer.concat(chunks).toString() || 'null')));
        }
        if (req.method === 'GET' && path.pathname === '/api/v1/sync/pull') {
          return send(200, await core.pull(session, Object.fromEntries(path.searchParams)));
        }
        if (req.method === 'GET' && path.pathname === '/api/v1/sync/events') {
          return core.events(session, req, res);
        }
        throw new WampumsError('not_found', 'No such route');
      } catch (error) {
        const { status, body } = errorResponseOf(error);
        send(status, body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, HOOK_TIMEOUT);

  afterAll(async () => {
    await core?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('pushes, pulls and announces changes on the live stream', async () => {
    const api = client({ apiUrl: `${url}/api/v1` }, 'host-leader@pack-a.test');
    const { cursor } = await api.pullAll();
    const headers = { authorization: 'Bearer host-leader@pack-a.test' };

    const events = await fetch(`${url}/api/v1/sync/events`, { headers });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const reader = events.body!.getReader();
    const pushed = await api.push(
      [change('groups', 'create', { payload: { name: 'Ratons' } })],
      'http-device',
    );
    expect(pushed.body.data.results[0].status).toBe('applied');
    let text = '';
    const deadline = Date.now() + 20_000;
    while (!text.includes('event: changes') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('event: changes');
    await reader.cancel();

    const later = await api.pullUntil(cursor, (changes) =>
      changes.some((c: Json) => c.entity?.name === 'Ratons'),
    );
    expect(later.changes.some((c: Json) => c.entity?.name === 'Ratons')).toBe(true);

    const refused = await api.post('/sync/push', { clientId: 'x', changes: 'nope' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
  });
});
