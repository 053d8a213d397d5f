import { connect } from 'node:net';
import { generateTempId } from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api';
import { pushBody, startTwoOrganizations, type TwoOrganizations } from './support/two-organizations';

let env: TwoOrganizations;

beforeAll(async () => {
  env = await startTwoOrganizations();
});

afterAll(async () => {
  await env?.close();
});

function errorCode(body: unknown): string | undefined {
  return (body as { error?: { code?: string } }).error?.code;
}

/** No stack trace, SQL or file path in an error answer. */
function expectCleanError(text: string): void {
  expect(text).not.toMatch(/at .+\.(ts|js):\d+|SELECT |INSERT |syntax error|node_modules|\/work\//);
}

describe('hostile input', () => {
  it('wrong types, unknown entity types and unknown fields get 400/404 with a code', async () => {
    const token = env.leaderA.token;
    const cases = [
      await api(env.url, '/groups', { method: 'POST', token, body: { name: 42 } }),
      await api(env.url, '/groups', { method: 'POST', token, body: { name: ['a'] } }),
      await api(env.url, '/groups', { method: 'POST', token, body: { name: 'x', is_admin: true } }),
      await api(env.url, '/groups', { method: 'POST', token, body: '[1,2,3]' }),
      await api(env.url, '/groups', { method: 'POST', token, body: '{"name": "unterminated' }),
      await api(env.url, '/participants/abc', { token }),
      await api(env.url, '/participants/-1', { token }),
      await api(env.url, '/participants?group_id=1%20OR%201=1', { token }),
      await api(env.url, '/users', { token }),
      await api(env.url, '/organizations/1', { token }),
      await api(env.url, '/sync/push', { method: 'POST', token, body: { clientId: 'x', changes: 'all' } }),
    ];
    for (const res of cases) {
      expect([400, 404], res.text).toContain(res.status);
      expect(errorCode(res.body), res.text).toBeTypeOf('string');
      expectCleanError(res.text);
    }
    // A cursor the server cannot verify is never read: the device is told to start over.
    const forgedCursor = await api(env.url, '/sync/pull?cursor=%27%3B%20DROP%20TABLE%20groups%3B--', {
      token,
    });
    expect(forgedCursor.status).toBe(200);
    expect((forgedCursor.body as { data: { fullRefresh: boolean } }).data.fullRefresh).toBe(true);
    const unknownType = await api(env.url, '/sync/push', {
      method: 'POST',
      token,
      body: pushBody({ entityType: 'users', operation: 'create', entityId: generateTempId(), payload: {} }),
    });
    // Per the contract, one bad change is rejected on its own: the envelope was valid.
    expect(unknownType.status).toBe(200);
    expect(
      (unknownType.body as { data: { results: { status: string; error: { code: string } }[] } }).data
        .results[0],
    ).toMatchObject({
      status: 'rejected',
      error: { code: expect.any(String) },
    });
  });

  it('SQL and HTML in text fields are stored and returned verbatim, never executed', async () => {
    const token = env.leaderA.token;
    const name = `Robert'); DROP TABLE participants;-- <script>alert(1)</script>`;
    const created = await api(env.url, '/groups', { method: 'POST', token, body: { name } });
    expect(created.status).toBe(201);
    const id = (created.body as { data: { id: number } }).data.id;
    const read = await api(env.url, `/groups/${id}`, { token });
    expect((read.body as { data: { name: string } }).data.name).toBe(name);
    const still = await api(env.url, '/participants?limit=1', { token });
    expect(still.status).toBe(200);
  });

  it('huge strings, deeply nested JSON, oversized batches and bodies are refused; the server keeps serving', async () => {
    const token = env.leaderA.token;
    const huge = await api(env.url, '/groups', {
      method: 'POST',
      token,
      body: { name: 'x'.repeat(100_000) },
    });
    expect(huge.status).toBe(400);
    // Written as text: JSON.stringify of a 5 000-level object overflows the test worker's stack.
    const nested = `${'{"a":'.repeat(5000)}"deep"${'}'.repeat(5000)}`;
    const deep = await api(env.url, '/groups', {
      method: 'POST',
      token,
      body: `{"name":"n","section":${nested}}`,
    });
    expect(deep.status).toBe(400);
    const deepText = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepRaw = await api(env.url, '/sync/push', { method: 'POST', token, body: deepText });
    expect([400, 413]).toContain(deepRaw.status);
    const changes = Array.from({ length: 501 }, () => {
      const tempId = generateTempId();
      return {
        correlationId: crypto.randomUUID(),
        entityType: 'groups',
        operation: 'create',
        entityId: tempId,
        tempId,
        timestamp: 1,
        payload: { name: 'g' },
      };
    });
    const batch = await api(env.url, '/sync/push', {
      method: 'POST',
      token,
      body: { clientId: 'x', changes },
    });
    expect(batch.status).toBe(413);
    expect(errorCode(batch.body)).toBe('payload_too_large');
    const big = await api(env.url, '/sync/push', {
      method: 'POST',
      token,
      body: { clientId: 'x', changes: [], pad: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(errorCode(big.body)).toBe('payload_too_large');
    const groups = await api(env.url, '/groups', { token });
    expect(groups.status).toBe(200);
    expect((groups.body as { data: { name: string }[] }).data.some((g) => g.name === 'g')).toBe(false);
  });

  it('a body sent byte by byte (slow loris) is timed out while others are served', async () => {
    const { port } = new URL(env.url);
    const socket = connect(Number(port), '127.0.0.1');
    let closedAfter: number | null = null;
    const started = Date.now();
    socket.on('close', () => {
      closedAfter = Date.now() - started;
    });
    socket.on('error', () => {});
    socket.write(
      `POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${env.leaderA.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
    );
    const drip = setInterval(() => {
      if (!socket.destroyed) socket.write('{');
    }, 500);
    try {
      // Meanwhile another user is served normally.
      const other = await api(env.url, '/groups?limit=1', { token: env.leaderB.token });
      expect(other.status).toBe(200);
      const deadline = Date.now() + 40_000;
      while (closedAfter === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(
        closedAfter,
        'the server should drop a body that trickles in for more than ~30 s',
      ).not.toBeNull();
      const health = await api(env.url, '/health');
      expect(health.status).toBe(200);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 60_000);
});
