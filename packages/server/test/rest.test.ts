import { ENTITY_TYPES } from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { BACKENDS, type Client, change, client, type Json, newParticipant, startFor } from './helpers';

describe.each(BACKENDS)('REST and auth on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let viewer: Client;
  let orgB: Client;
  let anonymous: Client;

  beforeAll(async () => {
    server = await startFor(backend, { limits: { maxBytes: 64 * 1024 } });
    leader = client(server, await server.login('leader@pack-a.test'));
    viewer = client(server, await server.login('viewer@pack-a.test'));
    orgB = client(server, await server.login('leader@pack-b.test'));
    anonymous = client(server);
  });
  afterAll(() => server?.close());

  it('logs in with the organization and its locale, refuses wrong credentials alike, refreshes', async () => {
    const ok = await anonymous.post('/auth/login', { email: 'admin@pack-a.test', password: 'offline-first' });
    expect(ok.status).toBe(200);
    expect(ok.body.data.user).toMatchObject({ email: 'admin@pack-a.test', role: 'admin' });
    expect(ok.body.data.organization).toMatchObject({ id: ok.body.data.user.organizationId, locale: 'fr' });
    expect(Date.parse(ok.body.data.expiresAt)).toBeGreaterThan(Date.now());
    const b = await anonymous.post('/auth/login', { email: 'leader@pack-b.test', password: 'offline-first' });
    expect(b.body.data.organization.locale).toBe('en');
    const wrong = await anonymous.post('/auth/login', { email: 'admin@pack-a.test', password: 'nope' });
    const unknown = await anonymous.post('/auth/login', { email: 'ghost@pack-a.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    // A refresh comes in the token's last quarter only (sessions.test.ts refreshes one in time).
    const early = await client(server, ok.body.data.token).post('/auth/refresh');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({
      code: 'refresh_too_early',
      details: { refreshAfter: ok.body.data.refreshAfter },
    });
    expect(Date.parse(ok.body.data.sessionExpiresAt)).toBeGreaterThanOrEqual(
      Date.parse(ok.body.data.expiresAt),
    );
  });

  it("lists the token's organization's members (id, name, role; no emails), 401 without a token", async () => {
    const a = await viewer.get('/members');
    expect(a.status).toBe(200);
    expect(a.body.data).toEqual(
      expect.arrayContaining([
        { id: expect.any(Number), name: 'Mathieu Gagnon', role: 'leader' },
        { id: expect.any(Number), name: 'Geneviève Tremblay', role: 'admin' },
      ]),
    );
    expect(a.body.data.every((m: Json) => Object.keys(m).sort().join() === 'id,name,role')).toBe(true);
    const b = await orgB.get('/members');
    const namesOfB = b.body.data.map((m: Json) => m.name);
    expect(namesOfB.length).toBeGreaterThan(0);
    expect(namesOfB).not.toContain('Mathieu Gagnon');
    expect((await anonymous.get('/members')).status).toBe(401);
  });

  it('answers 401 without, with a bad, or with a forged token', async () => {
    expect((await anonymous.get('/groups')).status).toBe(401);
    const bad = await client(server, 'not.a.token').get('/groups');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
    const [h, , s] = (await server.login('leader@pack-b.test')).split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ sub: '1', org: 1, role: 'admin', iss: 'wampums', exp: 9e9 }),
    ).toString('base64url');
    expect((await client(server, `${h}.${forgedPayload}.${s}`).get('/groups')).status).toBe(401);
  });

  it('serves CRUD with conflicts on stale writes, and 404 for unknown types and ids', async () => {
    const p = await newParticipant(leader, 'Crud');
    expect((await leader.get(`/participants/${p.id}`)).body.data).toEqual(p);
    const patched = await leader.patch(`/participants/${p.id}`, { notes: 'v2', updated_at: p.updated_at });
    expect(patched.body.data.notes).toBe('v2');
    const stale = await leader.patch(`/participants/${p.id}`, { notes: 'v3', updated_at: p.updated_at });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'conflict', details: { server: patched.body.data } });
    const staleDelete = await leader.delete(
      `/participants/${p.id}?updated_at=${encodeURIComponent(p.updated_at)}`,
    );
    expect(staleDelete.status).toBe(409);
    expect(
      (
        await leader.delete(
          `/participants/${p.id}?updated_at=${encodeURIComponent(patched.body.data.updated_at)}`,
        )
      ).status,
    ).toBe(200);
    expect((await leader.get(`/participants/${p.id}`)).status).toBe(404);
    const unknown = await leader.get('/unicorns');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_entity_type');
    expect((await leader.get('/participants/abc')).status).toBe(400);
    expect((await leader.get('/no/such/route/here')).body.error.code).toBe('not_found');
  });

  it('keeps updated_at strictly increasing even for writes in the same millisecond', async () => {
    const g = (await leader.post('/groups', { name: 'Rapide' })).body.data;
    let last = Date.parse(g.updated_at);
    for (let i = 0; i < 5; i++) {
      const next = (await leader.patch(`/groups/${g.id}`, { name: `Rapide ${i}` })).body.data;
      expect(Date.parse(next.updated_at)).toBeGreaterThan(last);
      expect(next.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      last = Date.parse(next.updated_at);
    }
  });

  it('honours Idempotency-Key on POST', async () => {
    const headers = { 'idempotency-key': `key-${Date.now()}-abc` };
    const first = await leader.post('/groups', { name: 'Idempotent' }, headers);
    const second = await leader.post('/groups', { name: 'Idempotent' }, headers);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.data).toEqual(first.body.data);
    expect(
      (await leader.get('/groups?limit=1000')).body.data.filter((g: Json) => g.name === 'Idempotent'),
    ).toHaveLength(1);
  });

  it('forbids viewer writes (403) and client writes of derived or reference data (405)', async () => {
    expect((await viewer.get('/groups')).status).toBe(200);
    const denied = await viewer.post('/groups', { name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    const points = await leader.post('/points', { value: 10 });
    expect(points.status).toBe(405);
    expect(points.body.error.code).toBe('read_only');
    expect((await leader.patch('/badge_templates/1', { name: 'x' })).status).toBe(405);
  });

  it("lets organization B neither see nor change organization A's rows, for every entity", async () => {
    for (const type of ENTITY_TYPES) {
      const rowA = (await leader.get(`/${type}?limit=1`)).body.data[0];
      expect(rowA, type).toBeDefined();
      expect((await orgB.get(`/${type}/${rowA.id}`)).status, type).toBe(404);
      const listB = (await orgB.get(`/${type}?limit=1000`)).body.data;
      expect(
        listB.some((r: Json) => r.organization_id === rowA.organization_id),
        type,
      ).toBe(false);
      const patch = await orgB.patch(`/${type}/${rowA.id}`, { notes: 'pwned' });
      expect([400, 404, 405], type).toContain(patch.status);
      const del = await orgB.delete(`/${type}/${rowA.id}`);
      expect([404, 405], type).toContain(del.status);
      const pushed = await orgB.push([change(type, 'delete', { entityId: rowA.id })]);
      expect(['conflict', 'rejected'], type).toContain(pushed.body.data.results[0].status);
      expect((await leader.get(`/${type}/${rowA.id}`)).body.data, type).toEqual(rowA);
    }
    const pA = (await leader.get('/participants?limit=1')).body.data[0];
    const viaFk = await orgB.post('/attendance', {
      participant_id: pA.id,
      date: '2026-01-05',
      status: 'present',
    });
    expect(viaFk.status).toBe(404);
    const smuggled = await orgB.post('/groups', { name: 'x', organization_id: pA.organization_id });
    expect(smuggled.status).toBe(400);
  });

  it('answers hostile input with a 4xx and stores nothing', async () => {
    const before = (await leader.get('/groups?limit=1000')).body.data.length;
    const cases: [string, unknown, number][] = [
      ['wrong types', { name: 12, section: ['x'] }, 400],
      ['unknown enum', { name: 'x', section: 'astronauts' }, 400],
      ['huge string', { name: 'x'.repeat(50_000) }, 400],
      ['too large body', { name: 'x'.repeat(70 * 1024) }, 413],
      ['deeply nested', `{"name":"x","section":${'['.repeat(5000)}${']'.repeat(5000)}}`, 400],
      ['malformed JSON', '{"name": "x",', 400],
      ['array body', [1, 2, 3], 400],
      ['prototype pollution', '{"name":"x","__proto__":{"admin":true}}', 400],
    ];
    for (const [name, body, status] of cases) {
      const res = await leader.post('/groups', body);
      expect(res.status, name).toBe(status);
      expect(res.body.error.code, name).toMatch(/^[a-z_]+$/);
      expect(JSON.stringify(res.body), name).not.toMatch(/SELECT|INSERT|at .*\.ts|stack/i);
    }
    const text = await leader.raw('POST', '/groups', 'name=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    expect((await leader.get('/groups?limit=1000')).body.data.length).toBe(before);
  });

  it('answers health with the database status', async () => {
    const res = await anonymous.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ status: 'ok', database: backend });
  });
});

describe('rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFor('pglite', { rateLimit: { max: 3, timeWindow: 60_000 } });
  });
  afterAll(() => server?.close());

  it('answers 429 rate_limited per token once the budget is spent', async () => {
    const a = client(server, await server.login('leader@pack-a.test'));
    const b = client(server, await server.login('leader@pack-b.test'));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await a.get('/groups')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await a.get('/groups');
    expect(limited.body.error.code).toBe('rate_limited');
    expect((await b.get('/groups')).status).toBe(200);
  });
});
