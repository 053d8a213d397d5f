import { dayInZone, doseHistoryOf, timeInZone } from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import {
  BACKENDS,
  type Client,
  change,
  client,
  HOOK_TIMEOUT,
  type Json,
  newParticipant,
  startFor,
} from './helpers';

// The medication rules of docs/domain.md ("Medication at camp"), against both databases.
describe.each(BACKENDS)('medication at camp on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let admin: Client;
  let leaderId: number;
  let adminId: number;
  let samuel: Json;
  let other: Json;
  let requirement: Json;
  let slot = 0;

  /** A fresh slot instant each time, so tests never share a natural key. */
  const nextSlot = () => new Date(Date.UTC(2026, 6, 14, 11, 30) + slot++ * 3_600_000).toISOString();
  const dose = (fields: Json = {}) => ({
    medication_requirement_id: requirement.id,
    participant_id: samuel.id,
    scheduled_for: nextSlot(),
    status: 'given',
    administered_at: '2026-07-14T11:32:00.000Z',
    witness_name: 'Chloé',
    ...fields,
  });

  beforeAll(async () => {
    server = await startFor(backend);
    leader = client(server, await server.login('leader@pack-a.test'));
    admin = client(server, await server.login('admin@pack-a.test'));
    const members = (await leader.get('/members')).body.data as Json[];
    leaderId = members.find((m) => m.role === 'leader').id;
    adminId = members.find((m) => m.role === 'admin').id;
    samuel = await newParticipant(leader, 'Samuel');
    other = await newParticipant(leader, 'Léa');
    requirement = (
      await leader.post('/medication_requirements', {
        participant_id: samuel.id,
        medication_name: 'Concerta',
        frequency_times: ['07:30'],
      })
    ).body.data;
  }, HOOK_TIMEOUT);
  afterAll(() => server?.close());

  it("gives the organization's time zone at login, and the demo schedule follows its clock", async () => {
    const login = await client(server).post('/auth/login', {
      email: 'leader@pack-a.test',
      password: 'offline-first',
    });
    const zone = login.body.data.organization.timeZone;
    expect(zone).toBe('America/Toronto');
    const requirements = (await leader.get('/medication_requirements?limit=1000')).body.data as Json[];
    const concerta = requirements.find((r) => r.medication_name === 'Concerta' && r.id !== requirement.id);
    const doses = (await leader.get(`/medication_distributions?medication_requirement_id=${concerta.id}`))
      .body.data as Json[];
    expect(doses.length).toBe(3);
    // 07:30 on the unit's clock, on three consecutive days of its calendar.
    expect(doses.map((d) => timeInZone(d.scheduled_for, zone))).toEqual(['07:30', '07:30', '07:30']);
    expect(new Set(doses.map((d) => dayInZone(d.scheduled_for, zone))).size).toBe(3);
  });

  it('records the signed-in user as the recorder, whatever the payload says', async () => {
    const rest = await leader.post('/medication_distributions', dose({ administered_by: adminId }));
    expect(rest.status).toBe(201);
    expect(rest.body.data.administered_by).toBe(leaderId);
    const pushed = await leader.push([
      change('medication_distributions', 'create', { payload: dose({ administered_by: adminId }) }),
    ]);
    expect(pushed.body.data.results[0].status).toBe('applied');
    const stored = await leader.get(`/medication_distributions/${pushed.body.data.results[0].serverId}`);
    expect(stored.body.data.administered_by).toBe(leaderId);
    // A patch naming someone else is stamped too, and the former version stays readable.
    const patched = await leader.patch(`/medication_distributions/${rest.body.data.id}`, {
      witness_name: 'Chloé',
      administered_by: adminId,
      updated_at: rest.body.data.updated_at,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data.administered_by).toBe(leaderId);
  });

  it('keeps the original of a backdated dose in its history, with who changed it', async () => {
    const given = (await leader.post('/medication_distributions', dose())).body.data;
    const backdated = await admin.patch(`/medication_distributions/${given.id}`, {
      administered_at: '2026-07-14T09:00:00.000Z',
      updated_at: given.updated_at,
    });
    expect(backdated.status).toBe(200);
    const now = (await leader.get(`/medication_distributions/${given.id}`)).body.data;
    // Not stored as sent: the correction is the admin's, and the leader's dose is still there.
    expect(now.administered_by).toBe(adminId);
    expect(doseHistoryOf(now)).toEqual([
      expect.objectContaining({
        kind: 'correction',
        status: 'given',
        administered_at: '2026-07-14T11:32:00.000Z',
        administered_by: leaderId,
        witness_name: 'Chloé',
        replaced_by: adminId,
      }),
    ]);
    // The history is the server's: a client cannot write it.
    const forged = await admin.patch(`/medication_distributions/${given.id}`, {
      dose_history: [],
      updated_at: now.updated_at,
    });
    expect(forged.status).toBe(400);
    expect(doseHistoryOf((await leader.get(`/medication_distributions/${given.id}`)).body.data)).toHaveLength(
      1,
    );
  });

  it('never deletes nor moves a given dose', async () => {
    const given = (await leader.post('/medication_distributions', dose())).body.data;
    const del = await leader.delete(`/medication_distributions/${given.id}?updated_at=${given.updated_at}`);
    expect(del.status).toBe(403);
    expect(del.body.error.code).toBe('forbidden');
    const moved = await leader.patch(`/medication_distributions/${given.id}`, {
      scheduled_for: nextSlot(),
      updated_at: given.updated_at,
    });
    expect(moved.status).toBe(400);
    expect((await leader.get(`/medication_distributions/${given.id}`)).body.data).toEqual(given);
    // A scheduled one, not yet recorded, may still go.
    const planned = (await leader.post('/medication_distributions', dose({ status: 'scheduled' }))).body.data;
    expect(
      (await leader.delete(`/medication_distributions/${planned.id}?updated_at=${planned.updated_at}`))
        .status,
    ).toBe(200);
  });

  it("refuses a dose for another child than the requirement's, over REST and in a push", async () => {
    const before = (await leader.get(`/medication_distributions?participant_id=${other.id}`)).body.data;
    const rest = await leader.post('/medication_distributions', dose({ participant_id: other.id }));
    expect(rest.status).toBe(400);
    expect(rest.body.error).toMatchObject({
      code: 'validation_failed',
      details: { field: 'participant_id' },
    });
    // Two changes: the optimistic chunk meets the foreign key, the careful run names the field.
    const pushed = await leader.push([
      change('medication_distributions', 'create', { payload: dose() }),
      change('medication_distributions', 'create', { payload: dose({ participant_id: other.id }) }),
    ]);
    expect(pushed.body.data.results.map((r: Json) => r.status)).toEqual(['applied', 'rejected']);
    expect(pushed.body.data.results[1].error.code).toBe('validation_failed');
    // Nor can a recorded dose be moved to the other child.
    const given = pushed.body.data.results[0].entity;
    const moved = await leader.patch(`/medication_distributions/${given.id}`, {
      participant_id: other.id,
      updated_at: given.updated_at,
    });
    expect(moved.status).toBe(400);
    expect((await leader.get(`/medication_distributions?participant_id=${other.id}`)).body.data).toEqual(
      before,
    );
    expect((await leader.get(`/medication_distributions/${given.id}`)).body.data.participant_id).toBe(
      samuel.id,
    );
    // Nor can the requirement itself pass to another child under its recorded doses.
    const current = (await leader.get(`/medication_requirements/${requirement.id}`)).body.data;
    const reassigned = await leader.patch(`/medication_requirements/${requirement.id}`, {
      participant_id: other.id,
      updated_at: current.updated_at,
    });
    expect(reassigned.status).toBe(400);
    expect(reassigned.body.error).toMatchObject({
      code: 'validation_failed',
      details: { field: 'participant_id' },
    });
    expect((await leader.get(`/medication_requirements/${requirement.id}`)).body.data).toEqual(current);
  });

  it('keeps one given dose per slot and reports a second one with both leaders and times', async () => {
    const scheduledFor = nextSlot();
    const fromLeader = change('medication_distributions', 'create', {
      payload: dose({
        scheduled_for: scheduledFor,
        administered_at: '2026-07-14T11:31:00.000Z',
        witness_name: 'A',
      }),
    });
    const fromAdmin = change('medication_distributions', 'create', {
      payload: dose({
        scheduled_for: scheduledFor,
        administered_at: '2026-07-14T11:40:00.000Z',
        witness_name: 'B',
      }),
    });
    expect((await leader.push([fromLeader], 'phone-a')).body.data.results[0].status).toBe('applied');
    const second = (await admin.push([fromAdmin], 'phone-b')).body.data.results[0];
    expect(second.status).toBe('conflict');
    const report = {
      kind: 'double_dose',
      first: expect.objectContaining({
        administered_by: leaderId,
        administered_at: '2026-07-14T11:31:00.000Z',
      }),
      second: expect.objectContaining({
        administered_by: adminId,
        administered_at: '2026-07-14T11:40:00.000Z',
      }),
    };
    expect(doseHistoryOf(second.serverEntity)).toEqual([expect.objectContaining(report)]);
    // The same change sent again (its answer lost) is not a third dose.
    await admin.push([fromAdmin], 'phone-b');
    const rows = (
      await leader.get(`/medication_distributions?medication_requirement_id=${requirement.id}&limit=1000`)
    ).body.data.filter((d: Json) => Date.parse(d.scheduled_for) === Date.parse(scheduledFor));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'given', administered_by: leaderId });
    expect(doseHistoryOf(rows[0])).toEqual([expect.objectContaining(report)]);
  });
  it('reports two leaders giving a planned slot from the same version', async () => {
    const planned = (
      await leader.post('/medication_distributions', dose({ status: 'scheduled', administered_at: null }))
    ).body.data;
    const give = (at: string) =>
      change('medication_distributions', 'update', {
        entityId: planned.id,
        baseUpdatedAt: planned.updated_at,
        payload: { status: 'given', administered_at: at },
      });
    expect(
      (await leader.push([give('2026-07-14T11:31:00.000Z')], 'phone-a')).body.data.results[0].status,
    ).toBe('applied');
    const second = (await admin.push([give('2026-07-14T11:45:00.000Z')], 'phone-b')).body.data.results[0];
    expect(second.status).toBe('conflict');
    const now = (await leader.get(`/medication_distributions/${planned.id}`)).body.data;
    expect(now).toMatchObject({ status: 'given', administered_by: leaderId });
    expect(doseHistoryOf(now)).toEqual([
      expect.objectContaining({
        kind: 'double_dose',
        first: expect.objectContaining({ administered_by: leaderId }),
        second: expect.objectContaining({
          administered_by: adminId,
          administered_at: '2026-07-14T11:45:00.000Z',
        }),
      }),
    ]);
    expect(second.serverEntity).toEqual(now);
  });
});
