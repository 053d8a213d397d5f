import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, startTestServer, TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, change, client, type Json, startFor, ticketFor } from './helpers';

/** Opens the live channel with a ticket of the token; resolves on the first `changes` event. */
async function openEvents(apiUrl: string, token: string) {
  const controller = new AbortController();
  const ticket = await ticketFor(apiUrl, token);
  const res = await fetch(`${apiUrl}/sync/events?ticket=${ticket}`, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const nextEvent = async (): Promise<Json> => {
    for (;;) {
      const match = /event: changes\ndata: (.*)\n\n/.exec(text);
      if (match) {
        text = text.slice((match.index ?? 0) + match[0].length);
        return JSON.parse(match[1]!);
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      text += decoder.decode(value, { stream: true });
    }
  };
  const readText = async () => {
    const { value } = await reader.read();
    text += decoder.decode(value, { stream: true });
    return text;
  };
  return { nextEvent, readText, close: () => controller.abort() };
}

describe.each(BACKENDS)('live channel and lifecycle on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend, { heartbeatMs: 200 });
  });
  afterAll(() => server?.close());

  it("announces another client's push to the organization, with a cursor a pull accepts", async () => {
    const watcher = client(server, await server.login('admin@pack-a.test'));
    const { cursor } = await watcher.pullAll();
    const events = await openEvents(server.apiUrl, await server.login('admin@pack-a.test'));
    const other = await openEvents(server.apiUrl, await server.login('leader@pack-b.test'));
    const writer = client(server, await server.login('leader@pack-a.test'));
    await writer.push([change('groups', 'create', { payload: { name: 'Live' } })]);
    const event = await events.nextEvent();
    expect(event.cursor).toEqual(expect.any(String));
    expect((await watcher.get(`/sync/pull?cursor=${event.cursor}`)).status).toBe(200);
    const pulled = await watcher.pullAll(cursor);
    expect(pulled.changes.some((c: Json) => c.entity?.name === 'Live')).toBe(true);
    // Organization B heard nothing but heartbeats.
    expect(await other.readText()).not.toContain('event: changes');
    events.close();
    other.close();
  });

  it('refuses the live channel without a valid ticket, and any token in a URL', async () => {
    expect((await fetch(`${server.apiUrl}/sync/events`)).status).toBe(401);
    expect((await fetch(`${server.apiUrl}/sync/events?ticket=bad-ticket`)).status).toBe(401);
    const token = await server.login('leader@pack-a.test');
    for (const path of ['/sync/events', '/groups']) {
      const res = await fetch(`${server.apiUrl}${path}?access_token=${token}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe('token_in_url');
    }
  });

  it('finishes in-flight requests on shutdown', async () => {
    const own = await startFor(backend, { seedDemo: true });
    const api = client(own, await own.login('leader@pack-a.test'));
    const changes = Array.from({ length: 60 }, (_, i) =>
      change('groups', 'create', { payload: { name: `Shutdown ${i}` } }),
    );
    const inFlight = api.push(changes);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = own.close();
    const answer = await inFlight;
    await closing;
    expect(answer.status).toBe(200);
    expect(answer.body.data.results.every((r: Json) => r.status === 'applied')).toBe(true);
    await expect(fetch(`${own.apiUrl}/health`)).rejects.toThrow();
  });
});

describe('two instances and restarts on one PostgreSQL database', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer({ backend: 'postgres' });
    second = await startTestServer({ databaseUrl: first.databaseUrl! });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('writes a racing identical push once across instances and announces it on both', async () => {
    const token = await first.login('leader@pack-a.test');
    const events = await openEvents(second.apiUrl, token);
    const push = change('groups', 'create', { payload: { name: 'Twin' } });
    const answers = await Promise.all([
      client(first, token).push([push]),
      client(second, token).push([push]),
    ]);
    expect(answers.map((a) => a.body.data.results[0].status).sort()).toEqual(['applied', 'duplicate']);
    expect((await events.nextEvent()).cursor).toEqual(expect.any(String));
    events.close();
    const groups = (await client(second, token).get('/groups?limit=1000')).body.data;
    expect(groups.filter((g: Json) => g.name === 'Twin')).toHaveLength(1);
  });

  it('keeps deduplicating after the server process is killed and restarted', async () => {
    const db = await createTestDatabase();
    const startChild = () =>
      new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--conditions=@wampums/source', '--import', 'tsx', join(import.meta.dirname, '../src/main.ts')],
          {
            env: {
              ...process.env,
              PORT: '0',
              HOST: '127.0.0.1',
              DATABASE_URL: db.url,
              SEED_DEMO: 'true',
              JWT_SECRET: TEST_JWT_SECRET,
              LOG_LEVEL: 'warn',
              PWA_DIR: '',
            },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        child.stdout!.on('data', (chunk) => {
          const match = /listening on (\S+)/.exec(String(chunk));
          if (match) resolve({ child, url: match[1]! });
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
    let running = await startChild();
    try {
      const api = () => ({ apiUrl: `${running.url}/api/v1` });
      const login = await client(api()).post('/auth/login', {
        email: 'leader@pack-a.test',
        password: 'offline-first',
      });
      const token = login.body.data.token;
      const push = change('groups', 'create', { payload: { name: 'Survives restart' } });
      const firstAnswer = await client(api(), token).push([push]);
      running.child.kill('SIGKILL');
      await new Promise((resolve) => running.child.once('exit', resolve));
      running = await startChild();
      const again = await client(api(), token).push([push]);
      expect(again.body.data.results[0]).toMatchObject({
        status: 'duplicate',
        serverId: firstAnswer.body.data.results[0].serverId,
      });
      const groups = (await client(api(), token).get('/groups?limit=1000')).body.data;
      expect(groups.filter((g: Json) => g.name === 'Survives restart')).toHaveLength(1);
    } finally {
      running.child.removeAllListeners('exit');
      running.child.kill('SIGTERM');
      await new Promise((resolve) => running.child.once('exit', resolve));
      await db.drop();
    }
  });
});
