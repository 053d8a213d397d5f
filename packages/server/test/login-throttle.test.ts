import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { BACKENDS, client, newMember, startFor } from './helpers';

const login = (server: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
  client(server).post('/auth/login', { email, password }, headers);

describe.each(BACKENDS)('sign-in throttling on %s', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor(backend, {
      loginThrottle: { perAccount: 3, perAddress: 8, windowSeconds: 120 },
      // Rate limit on: the login route must not share the general per-address budget.
      rateLimit: { max: 1000, timeWindow: 60_000 },
    });
  });
  afterAll(() => server?.close());

  it('holds one account after its failures, whatever bearer token comes along, with Retry-After', async () => {
    await newMember(server, `held-${backend}@pack-a.test`, 'leader', 'right-password');
    const email = ` Held-${backend}@Pack-A.test `;
    for (let i = 0; i < 3; i++) {
      const res = await login(server, email, 'wrong', { authorization: `Bearer junk-${i}` });
      expect(res.status).toBe(401);
    }
    const held = await login(server, `held-${backend}@pack-a.test`, 'right-password', {
      authorization: 'Bearer another-junk',
    });
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('login_throttled');
    const retryAfter = Number(held.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(held.body.error.details.retryAfterSeconds).toBe(retryAfter);

    // Someone else on the same network signs in as usual.
    expect((await login(server, 'leader@pack-a.test', 'offline-first')).status).toBe(200);
  });

  it('holds an address only after many failures of several accounts, and a proxy header does not escape it', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await login(server, `nobody-${i}@pack-a.test`, 'wrong', {
        'x-forwarded-for': `10.0.0.${i}`,
      });
      expect([401, 429]).toContain(res.status);
    }
    const held = await login(server, 'admin@pack-a.test', 'offline-first', { 'x-forwarded-for': '10.9.9.9' });
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('login_throttled');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('sign-in throttling behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor('pglite', {
      loginThrottle: { perAccount: 50, perAddress: 2, windowSeconds: 120 },
      trustProxy: true,
    });
  });
  afterAll(() => server?.close());

  it('counts per forwarded client address', async () => {
    for (let i = 0; i < 2; i++)
      await login(server, `x${i}@pack-a.test`, 'wrong', { 'x-forwarded-for': '203.0.113.7' });
    expect(
      (await login(server, 'leader@pack-a.test', 'offline-first', { 'x-forwarded-for': '203.0.113.7' }))
        .status,
    ).toBe(429);
    expect(
      (await login(server, 'leader@pack-a.test', 'offline-first', { 'x-forwarded-for': '203.0.113.8' }))
        .status,
    ).toBe(200);
  });
});
