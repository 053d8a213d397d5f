import { TEST_JWT_SECRET } from '@wampums/server/testing';
import { SignJWT } from 'jose';
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

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens an attacker could present, each built from the real leader's token or from scratch. */
async function forgedTokens(real: string, userId: number, orgId: number): Promise<Record<string, string>> {
  const [header, payload, signature] = real.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const otherOrg = { ...claims, org: orgId + 1, role: 'admin' };
  const now = Math.floor(Date.now() / 1000);
  const sign = (secret: string, body: Record<string, unknown>) =>
    new SignJWT(body).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
  return {
    'tampered payload (other organization, admin)': `${header}.${b64(otherOrg)}.${signature}`,
    'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    'signed with another secret': await sign('not-the-server-secret', { ...claims }),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64(otherOrg)}.`,
    expired: await sign(TEST_JWT_SECRET, {
      ...claims,
      sub: String(userId),
      iat: now - 7200,
      exp: now - 3600,
    }),
    garbage: 'not-a-token',
    'empty bearer': '',
  };
}

const ENDPOINTS: { method: string; path: string; body?: unknown }[] = [
  { method: 'GET', path: '/participants' },
  { method: 'GET', path: '/participants/1' },
  { method: 'POST', path: '/groups', body: { name: 'X' } },
  { method: 'PATCH', path: '/groups/1', body: { name: 'X' } },
  { method: 'DELETE', path: '/groups/1' },
  { method: 'GET', path: '/sync/pull' },
  { method: 'POST', path: '/sync/push', body: { clientId: 'x', changes: [] } },
  { method: 'GET', path: '/sync/events' },
  { method: 'POST', path: '/auth/refresh' },
];

describe('tokens', () => {
  it('every endpoint answers 401 with a code to forged, expired, missing and alg-none tokens, and changes nothing', async () => {
    const beforeA = await env.dumpA();
    const tokens = await forgedTokens(
      env.leaderA.token,
      env.leaderA.user.id,
      env.leaderA.user.organizationId,
    );
    for (const [name, token] of Object.entries({ ...tokens, missing: null })) {
      for (const endpoint of ENDPOINTS) {
        const headers: Record<string, string> = token === '' ? { authorization: 'Bearer ' } : {};
        const res = await api(env.url, endpoint.path, {
          method: endpoint.method,
          token: token || null,
          headers,
          ...(endpoint.body === undefined ? {} : { body: endpoint.body }),
        });
        expect(res.status, `${name} ${endpoint.method} ${endpoint.path}`).toBe(401);
        const code = (res.body as { error?: { code?: string } }).error?.code;
        expect(['unauthorized', 'token_expired'], `${name} ${endpoint.method} ${endpoint.path}`).toContain(
          code,
        );
      }
    }
    // No token is taken from a URL, not even a forged one; a forged ticket opens nothing.
    const sse = await api(
      env.url,
      `/sync/events?access_token=${encodeURIComponent(tokens['alg none'] as string)}`,
    );
    expect(sse.status).toBe(400);
    expect((sse.body as { error: { code: string } }).error.code).toBe('token_in_url');
    expect((await api(env.url, '/sync/events?ticket=forged-ticket-value')).status).toBe(401);
    expect(await env.dumpA()).toBe(beforeA);
  });

  it('an expired token says so', async () => {
    const tokens = await forgedTokens(
      env.leaderA.token,
      env.leaderA.user.id,
      env.leaderA.user.organizationId,
    );
    const res = await api(env.url, '/groups', { token: tokens.expired as string });
    expect((res.body as { error: { code: string } }).error.code).toBe('token_expired');
  });
});

describe('viewer', () => {
  it('every write of a viewer is refused with 403 and changes nothing', async () => {
    const beforeA = await env.dumpA();
    const token = env.viewerA.token;
    const groups = await api(env.url, '/groups?limit=1', { token });
    expect(groups.status).toBe(200);
    const group = (groups.body as { data: { id: number }[] }).data[0] as { id: number };
    const writes = [
      await api(env.url, '/groups', { method: 'POST', token, body: { name: 'Vue seule' } }),
      await api(env.url, `/groups/${group.id}`, { method: 'PATCH', token, body: { name: 'Vue seule' } }),
      await api(env.url, `/groups/${group.id}`, { method: 'DELETE', token }),
      await api(env.url, '/sync/push', {
        method: 'POST',
        token,
        body: pushBody({
          entityType: 'groups',
          operation: 'update',
          entityId: group.id,
          tempId: null,
          payload: { name: 'Vue' },
        }),
      }),
    ];
    for (const res of writes.slice(0, 3)) {
      expect(res.status).toBe(403);
      expect((res.body as { error: { code: string } }).error.code).toBe('forbidden');
    }
    const push = writes[3] as { status: number; body: unknown };
    if (push.status === 200) {
      expect(
        (push.body as { data: { results: { status: string; error?: { code: string } }[] } }).data.results[0],
      ).toMatchObject({
        status: 'rejected',
        error: { code: 'forbidden' },
      });
    } else {
      expect(push.status).toBe(403);
    }
    expect(await env.dumpA()).toBe(beforeA);
  });
});
