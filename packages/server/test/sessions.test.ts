import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/passwords';
import { openSession } from '../src/auth/sessions';
import { TokenService } from '../src/auth/tokens';
import { TEST_JWT_SECRET, type TestServer } from '../src/testing';
import { BACKENDS, client, type Json, newMember, startFor, ticketFor } from './helpers';

async function expectEnded(server: TestServer, token: string, reason: string) {
  const res = await client(server, token).get('/groups');
  expect(res.status).toBe(401);
  expect(res.body.error).toMatchObject({ code: 'session_revoked', details: { reason } });
}

/** Opens a live stream with a ticket and resolves when the server ends it. */
async function openStream(server: TestServer, token: string) {
  const res = await fetch(`${server.apiUrl}/sync/events?ticket=${await ticketFor(server.apiUrl, token)}`);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const ended = (async () => {
    for (;;) if ((await reader.read()).done) return true;
  })();
  return { ended };
}

describe.each(BACKENDS)('sessions on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend, { heartbeatMs: 200 });
  });
  afterAll(() => server?.close());

  it('signing out ends the session for good, its live stream too; signing out again answers the same', async () => {
    const token = await server.login('leader@pack-a.test');
    const api = client(server, token);
    expect((await api.get('/groups')).status).toBe(200);
    const stream = await openStream(server, token);
    expect((await api.post('/auth/signout')).status).toBe(200);
    await expectEnded(server, token, 'signed_out');
    expect(await stream.ended).toBe(true);
    expect((await api.post('/auth/signout')).status).toBe(200);
    expect((await api.post('/auth/refresh')).body.error.code).toBe('session_revoked');
    expect((await api.post('/sync/events/ticket')).status).toBe(401);
    // Another session of the same person is not touched.
    expect((await client(server, await server.login('leader@pack-a.test')).get('/groups')).status).toBe(200);
  });

  it('a password, role or organization change, or removing the user, ends their sessions', async () => {
    const a = await newMember(server, `pw-${backend}@pack-a.test`);
    const stream = await openStream(server, a.token);
    await server.database.query("UPDATE users SET name = 'Renamed' WHERE id = $1", [a.id]);
    expect((await client(server, a.token).get('/groups')).status).toBe(200);
    await server.database.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
      a.id,
      await hashPassword('second-password'),
    ]);
    await expectEnded(server, a.token, 'password_changed');
    expect(await stream.ended).toBe(true);

    const fresh = await server.login(`pw-${backend}@pack-a.test`, 'second-password');
    await server.database.query("UPDATE users SET role = 'viewer' WHERE id = $1", [a.id]);
    await expectEnded(server, fresh, 'role_changed');

    const again = await server.login(`pw-${backend}@pack-a.test`, 'second-password');
    const [orgB] = await server.database.query<{ id: number }>(
      "SELECT organization_id AS id FROM users WHERE email = 'leader@pack-b.test'",
    );
    await server.database.query('UPDATE users SET organization_id = $2 WHERE id = $1', [a.id, orgB?.id]);
    await expectEnded(server, again, 'organization_changed');

    const last = await server.login(`pw-${backend}@pack-a.test`, 'second-password');
    await server.database.query('DELETE FROM users WHERE id = $1', [a.id]);
    await expectEnded(server, last, 'user_deleted');
  });

  it('a session past its absolute end is refused, whatever its token says', async () => {
    const token = await server.login('leader@pack-a.test');
    const sid = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()).sid;
    await server.database.query(
      "UPDATE auth_sessions SET expires_at = clock_timestamp() - interval '1 second' WHERE id = $1",
      [sid],
    );
    await expectEnded(server, token, 'expired');
  });

  it('opens a live stream with a single-use ticket, never with a token in the URL', async () => {
    const token = await server.login('leader@pack-a.test');
    expect((await client(server).post('/sync/events/ticket')).status).toBe(401);
    const ticket = await ticketFor(server.apiUrl, token);
    const first = new AbortController();
    expect(
      (await fetch(`${server.apiUrl}/sync/events?ticket=${ticket}`, { signal: first.signal })).status,
    ).toBe(200);
    first.abort();
    const second = await fetch(`${server.apiUrl}/sync/events?ticket=${ticket}`);
    expect(second.status).toBe(401);
    expect(((await second.json()) as Json).error.code).toBe('invalid_ticket');
    const inUrl = await fetch(`${server.apiUrl}/sync/events?access_token=${token}`);
    expect(inUrl.status).toBe(400);
    expect(((await inUrl.json()) as Json).error.code).toBe('token_in_url');
  });

  it('verifies a token signed with the previous secret until its end date, and names each key', async () => {
    const previous = 'the-former-secret-of-this-server';
    const [rotated, expired] = await Promise.all([
      startFor(backend, {
        jwtSecret: TEST_JWT_SECRET,
        previousJwtSecret: { secret: previous, until: new Date(Date.now() + 3_600_000) },
      }),
      startFor(backend, {
        jwtSecret: TEST_JWT_SECRET,
        previousJwtSecret: { secret: previous, until: new Date(Date.now() - 1000) },
      }),
    ]);
    try {
      for (const [target, status] of [
        [rotated, 200],
        [expired, 401],
      ] as const) {
        const [user] = await target.database.query<{ id: number; organization_id: number }>(
          "SELECT id, organization_id FROM users WHERE email = 'leader@pack-a.test'",
        );
        const actor = { userId: user!.id, organizationId: user!.organization_id, role: 'leader' as const };
        const session = await openSession(target.database, actor, 3600);
        const old = await new TokenService(previous, 3600).sign(actor, session.id, session.expiresAt);
        expect((await client(target, old.token).get('/groups')).status).toBe(status);
      }
      const current = await rotated.login('leader@pack-a.test');
      const oldKid = JSON.parse(
        Buffer.from(
          (
            await new TokenService(previous, 60).sign(
              { userId: 1, organizationId: 1, role: 'leader' },
              'x',
              new Date(Date.now() + 60_000),
            )
          ).token.split('.')[0] as string,
          'base64url',
        ).toString(),
      ).kid;
      const kid = JSON.parse(Buffer.from(current.split('.')[0] as string, 'base64url').toString()).kid;
      expect(kid).toEqual(expect.any(String));
      expect(kid).not.toBe(oldKid);
    } finally {
      await Promise.all([rotated.close(), expired.close()]);
    }
  });
});

describe.each(BACKENDS)('session lifetime and refresh on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend, { tokenTtlSeconds: 4, sessionTtlSeconds: 9 });
  });
  afterAll(() => server?.close());

  it('refreshes only in the last quarter of a token, and never past the session end', async () => {
    const login = await client(server).post('/auth/login', {
      email: 'leader@pack-a.test',
      password: 'offline-first',
    });
    expect(login.status).toBe(200);
    const { sessionExpiresAt, refreshAfter } = login.body.data;
    expect(Date.parse(refreshAfter)).toBeLessThan(Date.parse(login.body.data.expiresAt));
    let token: string = login.body.data.token;
    const early = await client(server, token).post('/auth/refresh');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'refresh_too_early', details: { refreshAfter } });

    // Refreshing each token as soon as allowed: every one ends by the session end, then none is given.
    const ends: number[] = [];
    const deadline = Date.now() + 30_000;
    let last: Json = null;
    while (Date.now() < deadline) {
      last = await client(server, token).post('/auth/refresh');
      if (last.status === 200) {
        token = last.body.data.token;
        expect(last.body.data.sessionExpiresAt).toBe(sessionExpiresAt);
        ends.push(Date.parse(last.body.data.expiresAt));
      } else if (last.status !== 409) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ends.length).toBeGreaterThan(0);
    for (const end of ends) expect(end).toBeLessThanOrEqual(Date.parse(sessionExpiresAt));
    expect(last.status).toBe(401);
    expect((await client(server, token).get('/groups')).status).toBe(401);
  }, 60_000);
});
