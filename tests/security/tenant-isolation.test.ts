import { ENTITIES, ENTITY_TYPES, FOREIGN_KEYS, generateTempId, refusesUpdates } from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api';
import { pushBody, startTwoOrganizations, type TwoOrganizations } from './support/two-organizations';

let env: TwoOrganizations;
let before: string;

beforeAll(async () => {
  env = await startTwoOrganizations();
  before = await env.dumpB();
});

afterAll(async () => {
  await env?.close();
});

/** Whether an answer carries a row of organization B (its organization id, or its row id as a row). */
function carriesRowOfB(body: unknown, orgB: number, id: number): boolean {
  let found = false;
  const visit = (value: unknown) => {
    if (found || value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (record.organization_id === orgB || (record.id === id && 'updated_at' in record)) found = true;
    for (const v of Object.values(record)) visit(v);
  };
  visit(body);
  return found;
}

describe('another organization’s rows: indistinguishable from missing, never changed', () => {
  for (const type of ENTITY_TYPES) {
    it(`${type}: read, list, update, delete and push by id of organization B`, async () => {
      const target = env.rowsOfB[type];
      const id = target.id as number;
      const token = env.leaderA.token;
      const missing = await api(env.url, `/${type}/2147483600`, { token });

      const read = await api(env.url, `/${type}/${id}`, { token });
      expect(read.status).toBe(404);
      expect(read.body).toEqual(missing.body);

      const list = await api(env.url, `/${type}?limit=1000`, { token });
      expect(list.status).toBe(200);
      const ids = (list.body as { data: { id: number; organization_id: number }[] }).data;
      expect(ids.every((r) => r.organization_id === env.leaderA.user.organizationId)).toBe(true);
      const orgB = env.leaderB.user.organizationId;
      expect(carriesRowOfB(list.body, orgB, -1)).toBe(false);

      const field = Object.keys(ENTITIES[type].fields)[0] as string;
      const patch = await api(env.url, `/${type}/${id}`, {
        method: 'PATCH',
        token,
        body: { [field]: target[field] },
      });
      const del = await api(env.url, `/${type}/${id}`, { method: 'DELETE', token });
      // A type the server maintains refuses both, an append-only one refuses edits (405, whose row
      // it is never matters); otherwise B's row answers as a missing one.
      const expectedDelete = ENTITIES[type].readOnly ? 405 : 404;
      const expectedPatch = ENTITIES[type].readOnly || refusesUpdates(type) ? 405 : 404;
      expect(patch.status).toBe(expectedPatch);
      expect(del.status).toBe(expectedDelete);
      expect(carriesRowOfB(patch.body, orgB, id) || carriesRowOfB(del.body, orgB, id)).toBe(false);
      if (expectedPatch === 404) expect(patch.body).toEqual(missing.body);
      if (expectedDelete === 404) expect(del.body).toEqual(missing.body);

      for (const operation of ['update', 'delete'] as const) {
        const push = await api(env.url, '/sync/push', {
          method: 'POST',
          token,
          body: pushBody({
            entityType: type,
            operation,
            entityId: id,
            tempId: null,
            payload: operation === 'delete' ? null : { [field]: target[field] },
          }),
        });
        expect(push.status).toBe(200);
        const [result] = (push.body as { data: { results: { status: string }[] } }).data.results;
        expect(['rejected', 'conflict']).toContain(result?.status);
        expect(carriesRowOfB(push.body, orgB, id)).toBe(false);
      }
    });
  }

  it('a forged organization_id in a payload is refused, by REST and by push', async () => {
    const orgB = env.leaderB.user.organizationId;
    const rest = await api(env.url, '/groups', {
      method: 'POST',
      token: env.leaderA.token,
      body: { name: 'Intrus', organization_id: orgB },
    });
    expect(rest.status).toBe(400);
    const tempId = generateTempId();
    const push = await api(env.url, '/sync/push', {
      method: 'POST',
      token: env.leaderA.token,
      body: pushBody({
        entityType: 'groups',
        operation: 'create',
        entityId: tempId,
        tempId,
        payload: { name: 'Intrus', organization_id: orgB },
      }),
    });
    expect((push.body as { data: { results: { status: string }[] } }).data.results[0]?.status).toBe(
      'rejected',
    );
  });

  const writableKeys = FOREIGN_KEYS.filter((fk) => !ENTITIES[fk.entityType].readOnly);
  for (const fk of writableKeys) {
    it(`a ${fk.entityType}.${fk.field} pointing into organization B is refused`, async () => {
      const foreign = env.rowsOfB[fk.references].id as number;
      // A full valid payload of A's own, with the one foreign key swapped for B's row.
      // Approving a badge (or changing an approved one) is an admin's act: a pending badge keeps
      // the leader's role out of the way, so that only the foreign key is wrong. Likewise a
      // carpool offer changes only by its driver: the leader's own offer.
      const badge = fk.entityType === 'badge_progress';
      const offer = fk.entityType === 'carpool_offers';
      const own = await api(env.url, `/${fk.entityType}?limit=100`, { token: env.leaderA.token });
      const rows = (own.body as { data: Record<string, unknown>[] }).data;
      const template = (
        badge
          ? rows.find((r) => r.status === 'pending')
          : offer
            ? rows.find((r) => r.user_id === env.leaderA.user.id)
            : rows[0]
      ) as Record<string, unknown>;
      expect(template, `a ${fk.entityType} row of organization A`).toBeDefined();
      const payload: Record<string, unknown> = {};
      for (const name of Object.keys(ENTITIES[fk.entityType].fields))
        if (template[name] !== undefined) payload[name] = template[name];
      payload[fk.field] = foreign;
      for (const k of ['date', 'scheduled_for'])
        if (k in payload) payload[k] = k === 'date' ? '2031-01-01' : '2031-01-01T08:00:00.000Z';
      if ('level' in payload) payload.level = 3;
      const rest = await api(env.url, `/${fk.entityType}`, {
        method: 'POST',
        token: env.leaderA.token,
        body: payload,
      });
      expect([400, 404, 409]).toContain(rest.status);
      const tempId = generateTempId();
      const push = await api(env.url, '/sync/push', {
        method: 'POST',
        token: env.leaderA.token,
        body: pushBody({ entityType: fk.entityType, operation: 'create', entityId: tempId, tempId, payload }),
      });
      expect((push.body as { data: { results: { status: string }[] } }).data.results[0]?.status).not.toBe(
        'applied',
      );
      // Moving one of A's own rows onto B's parent is refused too.
      const moved = await api(env.url, `/${fk.entityType}/${String(template.id)}`, {
        method: 'PATCH',
        token: env.leaderA.token,
        body: { [fk.field]: foreign },
      });
      // An append-only record is never edited (405), whatever the new parent.
      expect(refusesUpdates(fk.entityType) ? [405] : [400, 404, 409]).toContain(moved.status);
    });
  }

  it('pull and the live stream carry only the caller’s organization', async () => {
    const pull = await api(env.url, '/sync/pull?limit=1000', { token: env.leaderA.token });
    const changes = (pull.body as { data: { changes: { entity: { organization_id: number } }[] } }).data
      .changes;
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((c) => c.entity.organization_id === env.leaderA.user.organizationId)).toBe(true);
  });

  it('organization B’s rows are byte for byte what they were', async () => {
    expect(await env.dumpB()).toBe(before);
  });
});
