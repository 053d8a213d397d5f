import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { BACKENDS, type Client, change, client, newMember, newParticipant, startFor } from './helpers';

describe.each(BACKENDS)('authors from the session on %s', (backend) => {
  let server: TestServer;
  let admin: Client;
  let leader: Client;
  let other: Client;
  let adminId: number;
  let leaderId: number;
  beforeAll(async () => {
    server = await startFor(backend);
    admin = client(server, await server.login('admin@pack-a.test'));
    leader = client(server, await server.login('leader@pack-a.test'));
    other = client(server, (await newMember(server, `second-${backend}@pack-a.test`)).token);
    const ids = await server.database.query<{ id: number; email: string }>(
      "SELECT id, email FROM users WHERE email IN ('admin@pack-a.test', 'leader@pack-a.test')",
    );
    adminId = ids.find((u) => u.email.startsWith('admin'))?.id as number;
    leaderId = ids.find((u) => u.email.startsWith('leader'))?.id as number;
  });
  afterAll(() => server?.close());

  it('ignores a forged created_by, assigned_by or driver, on create and on update, by push and REST', async () => {
    const kid = await newParticipant(leader, 'Forged');
    const pushed = await leader.push([
      change('honors', 'create', {
        payload: { participant_id: kid.id, date: '2026-07-01', reason: 'Help', created_by: adminId },
      }),
      change('activities', 'create', {
        payload: { name: 'Hike', activity_date: '2026-07-02', created_by: adminId },
      }),
    ]);
    const [honor, activity] = pushed.body.data.results;
    expect((await leader.get(`/honors/${honor.serverId}`)).body.data.created_by).toBe(leaderId);
    expect((await leader.get(`/activities/${activity.serverId}`)).body.data.created_by).toBe(leaderId);

    const offer = await leader.post('/carpool_offers', {
      activity_id: activity.serverId,
      total_seats_available: 3,
      user_id: adminId,
    });
    expect(offer.body.data.user_id).toBe(leaderId);
    const seat = await leader.post('/carpool_assignments', {
      carpool_offer_id: offer.body.data.id,
      participant_id: kid.id,
      assigned_by: adminId,
    });
    expect(seat.body.data.assigned_by).toBe(leaderId);

    // An update cannot hand a row to someone else either.
    const moved = await leader.patch(`/activities/${activity.serverId}`, {
      created_by: adminId,
      name: 'Hike 2',
    });
    expect(moved.body.data).toMatchObject({ name: 'Hike 2', created_by: leaderId });
    const movedOffer = await leader.push([
      change('carpool_offers', 'update', {
        entityId: offer.body.data.id,
        payload: { user_id: adminId, notes: 'x' },
      }),
    ]);
    expect(movedOffer.body.data.results[0].status).toBe('applied');
    expect((await leader.get(`/carpool_offers/${offer.body.data.id}`)).body.data).toMatchObject({
      user_id: leaderId,
      notes: 'x',
    });
  });

  it("lets only a carpool offer's driver or an admin change or delete it", async () => {
    const activity = await leader.post('/activities', { name: 'Ride', activity_date: '2026-07-03' });
    const offer = (
      await leader.post('/carpool_offers', { activity_id: activity.body.data.id, total_seats_available: 2 })
    ).body.data;

    const rest = await other.patch(`/carpool_offers/${offer.id}`, { total_seats_available: 4 });
    expect(rest.status).toBe(403);
    expect(rest.body.error.code).toBe('not_owner');
    expect((await other.delete(`/carpool_offers/${offer.id}`)).body.error.code).toBe('not_owner');
    const pushed = await other.push([
      change('carpool_offers', 'update', { entityId: offer.id, payload: { total_seats_available: 4 } }),
      change('carpool_offers', 'delete', { entityId: offer.id }),
    ]);
    expect(pushed.body.data.results.map((r: { error?: { code: string } }) => r.error?.code)).toEqual([
      'not_owner',
      'not_owner',
    ]);
    expect((await leader.get(`/carpool_offers/${offer.id}`)).body.data.total_seats_available).toBe(2);

    expect((await admin.patch(`/carpool_offers/${offer.id}`, { notes: 'checked' })).status).toBe(200);
    expect((await leader.patch(`/carpool_offers/${offer.id}`, { total_seats_available: 3 })).status).toBe(
      200,
    );
    const gone = await leader.push([change('carpool_offers', 'delete', { entityId: offer.id })]);
    expect(gone.body.data.results[0].status).toBe('applied');
  });

  it("refuses a sync clientId that is another person's, for push and pull", async () => {
    const clientId = `phone-${backend}-${Date.now()}`;
    const mine = await leader.push([change('groups', 'create', { payload: { name: 'Mine' } })], clientId);
    expect(mine.status).toBe(200);
    const theirs = await other.push([change('groups', 'create', { payload: { name: 'Theirs' } })], clientId);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.code).toBe('client_id_taken');
    const pull = await other.get(`/sync/pull?limit=5&clientId=${clientId}`);
    expect(pull.status).toBe(403);
    expect(pull.body.error.code).toBe('client_id_taken');
    expect((await leader.get(`/sync/pull?limit=5&clientId=${clientId}`)).status).toBe(200);
    expect((await leader.push([], clientId)).status).toBe(200);
  });
});
