import { randomUUID } from 'node:crypto';
import { generateTempId } from '@wampums/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../src/testing';
import { BACKENDS, type Client, change, client, type Json, newParticipant, startFor } from './helpers';

describe.each(BACKENDS)('push on %s', (backend) => {
  let server: TestServer;
  let leader: Client;
  let admin: Client;
  let viewer: Client;
  let otherOrg: Client;

  beforeAll(async () => {
    server = await startFor(backend);
    leader = client(server, await server.login('leader@pack-a.test'));
    admin = client(server, await server.login('admin@pack-a.test'));
    viewer = client(server, await server.login('viewer@pack-a.test'));
    otherOrg = client(server, await server.login('leader@pack-b.test'));
  });
  afterAll(() => server?.close());

  it('applies a temp-id chain group → participant → attendance → honor in one push, with derived points', async () => {
    const group = change('groups', 'create', {
      payload: { name: 'Sizaine des Loups blancs', section: 'cubs' },
    });
    const participant = change('participants', 'create', {
      payload: { first_name: 'Éloïse', last_name: 'Dubé', group_id: group.tempId },
      dependencies: [{ entityType: 'groups', tempId: group.tempId }],
    });
    const attendance = change('attendance', 'create', {
      payload: { participant_id: participant.tempId, date: '2026-07-14', status: 'present' },
    });
    const honor = change('honors', 'create', {
      payload: { participant_id: participant.tempId, date: '2026-07-14', reason: 'Aide au camp' },
    });
    const res = await leader.push([group, participant, attendance, honor]);
    expect(res.status).toBe(200);
    const results = res.body.data.results;
    expect(results.map((r: Json) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const [g, p, a, h] = results;
    expect(p.entity.group_id).toBe(g.serverId);
    expect(a.entity.participant_id).toBe(p.serverId);
    expect(h.entity.participant_id).toBe(p.serverId);
    expect(h.entity.created_by).toBeTypeOf('number');
    const points = await leader.get(`/points?honor_id=${h.serverId}`);
    expect(points.body.data).toHaveLength(1);
    expect(points.body.data[0]).toMatchObject({ participant_id: p.serverId, value: 5 });
  });

  it('resolves a child retried alone after its parent answer was lost', async () => {
    const participant = change('participants', 'create', {
      payload: { first_name: 'Zoé', last_name: 'Roy' },
    });
    const first = await leader.push([participant]);
    expect(first.body.data.results[0].status).toBe('applied');
    // The device never saw that answer: it retries the parent (same correlationId) and its child.
    const honor = change('honors', 'create', {
      payload: { participant_id: participant.tempId, date: '2026-07-15', reason: 'Courage' },
      dependencies: [{ entityType: 'participants', tempId: participant.tempId }],
    });
    const childAlone = await leader.push([honor]);
    expect(childAlone.body.data.results[0]).toMatchObject({ status: 'applied' });
    expect(childAlone.body.data.results[0].entity.participant_id).toBe(first.body.data.results[0].serverId);
    const retry = await leader.push([participant, honor]);
    expect(retry.body.data.results.map((r: Json) => r.status)).toEqual(['duplicate', 'duplicate']);
    expect(retry.body.data.results[0].serverId).toBe(first.body.data.results[0].serverId);
    const list = await leader.get(`/honors?participant_id=${first.body.data.results[0].serverId}`);
    expect(list.body.data).toHaveLength(1);
  });

  it('answers duplicate with the first answer, and writes once when the same create is re-sent under a new correlationId', async () => {
    const create = change('groups', 'create', { payload: { name: 'Once only' } });
    const first = await leader.push([create]);
    const again = await leader.push([create]);
    expect(again.body.data.results[0]).toEqual({
      ...first.body.data.results[0],
      status: 'duplicate',
      current: first.body.data.results[0].entity,
    });
    const resent = await leader.push([{ ...create, correlationId: randomUUID() }]);
    expect(resent.body.data.results[0]).toMatchObject({
      status: 'duplicate',
      serverId: first.body.data.results[0].serverId,
    });
    const groups = await leader.get('/groups?limit=1000');
    expect(groups.body.data.filter((g: Json) => g.name === 'Once only')).toHaveLength(1);
  });

  it('answers a late duplicate with the record as it is now (receipts keep no copy): edited since, or deleted since', async () => {
    const create = change('groups', 'create', { payload: { name: 'Renamed later' } });
    const first = (await leader.push([create])).body.data.results[0];
    const edit = await leader.push([
      change('groups', 'update', {
        entityId: first.serverId,
        baseUpdatedAt: first.entity.updated_at,
        payload: { name: 'Renamed' },
      }),
    ]);
    expect(edit.body.data.results[0].status).toBe('applied');
    const edited = (await leader.push([create])).body.data.results[0];
    expect(edited).toMatchObject({ status: 'duplicate', serverId: first.serverId });
    expect(edited.current).toMatchObject({ id: first.serverId, name: 'Renamed' });
    expect(edited.entity).toEqual(edited.current);

    expect((await leader.delete(`/groups/${first.serverId}`)).status).toBe(200);
    const deleted = (await leader.push([create])).body.data.results[0];
    expect(deleted).toMatchObject({
      status: 'duplicate',
      serverId: first.serverId,
      entity: null,
      current: null,
    });
    const groups = await leader.get('/groups?limit=1000');
    expect(groups.body.data.filter((g: Json) => g.id === first.serverId)).toHaveLength(0);
  });

  it('writes once when two identical pushes race', async () => {
    const p = await newParticipant(leader, 'Race');
    const honor = change('honors', 'create', {
      payload: { participant_id: p.id, date: '2026-07-16', reason: 'Race' },
    });
    const answers = await Promise.all(Array.from({ length: 4 }, () => leader.push([honor])));
    const statuses = answers.map((a) => a.body.data.results[0].status).sort();
    expect(statuses).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate']);
    expect(new Set(answers.map((a) => a.body.data.results[0].serverId)).size).toBe(1);
    const honors = await leader.get(`/honors?participant_id=${p.id}`);
    expect(honors.body.data).toHaveLength(1);
    const points = await leader.get(`/points?participant_id=${p.id}`);
    expect(points.body.data).toHaveLength(1);
  });

  it('reports a stale update as a conflict with the server row, and a deleted row as gone', async () => {
    const p = await newParticipant(leader, 'Stale');
    const edited = await leader.patch(`/participants/${p.id}`, {
      notes: 'allergie aux arachides',
      updated_at: p.updated_at,
    });
    expect(edited.status).toBe(200);
    expect(Date.parse(edited.body.data.updated_at)).toBeGreaterThan(Date.parse(p.updated_at));
    const stale = change('participants', 'update', {
      entityId: p.id,
      payload: { first_name: 'Autre' },
      baseUpdatedAt: p.updated_at,
    });
    const res = await leader.push([stale]);
    expect(res.body.data.results[0]).toMatchObject({ status: 'conflict', code: 'conflict' });
    expect(res.body.data.results[0].serverEntity).toEqual(edited.body.data);
    expect((await leader.get(`/participants/${p.id}`)).body.data.first_name).toBe('Stale');

    await leader.delete(`/participants/${p.id}`);
    const gone = await leader.push([
      change('participants', 'update', {
        entityId: p.id,
        payload: { notes: 'x' },
        baseUpdatedAt: edited.body.data.updated_at,
      }),
    ]);
    expect(gone.body.data.results[0]).toMatchObject({ status: 'conflict', code: 'gone', serverEntity: null });
  });

  it('answers a colliding attendance create with a conflict carrying the existing row', async () => {
    const p = await newParticipant(leader, 'Présence');
    const a = change('attendance', 'create', {
      payload: { participant_id: p.id, date: '2026-08-01', status: 'present' },
    });
    const b = change('attendance', 'create', {
      payload: { participant_id: p.id, date: '2026-08-01', status: 'late' },
    });
    const res = await leader.push([a, b]);
    expect(res.body.data.results[0].status).toBe('applied');
    expect(res.body.data.results[1]).toMatchObject({ status: 'conflict', code: 'conflict' });
    expect(res.body.data.results[1].serverEntity).toMatchObject({
      id: res.body.data.results[0].serverId,
      status: 'present',
    });
    const list = await leader.get(`/attendance?participant_id=${p.id}`);
    expect(list.body.data).toHaveLength(1);
  });

  it('answers in push order when an update and a later create compete for one natural key', async () => {
    const p = await newParticipant(leader, 'Ordre');
    const first = await leader.post('/attendance', {
      participant_id: p.id,
      date: '2026-08-02',
      status: 'present',
    });
    const move = change('attendance', 'update', {
      entityId: first.body.data.id,
      payload: { date: '2026-08-03' },
      baseUpdatedAt: first.body.data.updated_at,
    });
    const taken = change('attendance', 'create', {
      payload: { participant_id: p.id, date: '2026-08-03', status: 'late' },
    });
    const freed = change('attendance', 'create', {
      payload: { participant_id: p.id, date: '2026-08-02', status: 'absent' },
    });
    const group = change('groups', 'create', { payload: { name: 'Après la course' } });
    const res = await leader.push([move, taken, freed, group]);
    const r = res.body.data.results;
    expect(r.map((x: Json) => x.status)).toEqual(['applied', 'conflict', 'applied', 'applied']);
    expect(r[1].serverEntity).toMatchObject({
      id: first.body.data.id,
      date: '2026-08-03',
      status: 'present',
    });
    const list = await leader.get(`/attendance?participant_id=${p.id}`);
    expect(list.body.data.map((a: Json) => [a.date, a.status]).sort()).toEqual([
      ['2026-08-02', 'absent'],
      ['2026-08-03', 'present'],
    ]);
  });

  it('answers a stale update among creates as a conflict, and writes the creates around it', async () => {
    const p = await newParticipant(leader, 'Périmé');
    const edited = await leader.patch(`/participants/${p.id}`, {
      notes: 'serveur',
      updated_at: p.updated_at,
    });
    expect(edited.status).toBe(200);
    const group = change('groups', 'create', { payload: { name: 'Autour' } });
    const stale = change('participants', 'update', {
      entityId: p.id,
      payload: { notes: 'appareil' },
      baseUpdatedAt: p.updated_at,
    });
    const kid = change('participants', 'create', {
      payload: { first_name: 'Voisin', last_name: 'Autour', group_id: group.tempId },
    });
    const res = await leader.push([group, stale, kid]);
    const r = res.body.data.results;
    expect(r.map((x: Json) => x.status)).toEqual(['applied', 'conflict', 'applied']);
    expect(r[1].serverEntity).toMatchObject({ notes: 'serveur', updated_at: edited.body.data.updated_at });
    expect(r[2].entity.group_id).toBe(r[0].serverId);
    expect((await leader.get(`/participants/${p.id}`)).body.data.notes).toBe('serveur');
  });

  it('creates, edits and deletes one record in a single push, in order', async () => {
    const kid = change('participants', 'create', { payload: { first_name: 'Éphémère', last_name: 'Vite' } });
    const edit = change('participants', 'update', {
      entityId: kid.tempId as string,
      payload: { notes: 'vu' },
    });
    const honor = change('honors', 'create', {
      payload: { participant_id: kid.tempId, date: '2026-08-04', reason: 'Passage' },
    });
    const gone = change('participants', 'delete', { entityId: kid.tempId as string });
    const res = await leader.push([kid, edit, honor, gone]);
    const r = res.body.data.results;
    expect(r.map((x: Json) => x.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    expect(r[0].entity.notes ?? null).toBeNull();
    expect(r[1].entity).toMatchObject({ id: r[0].serverId, notes: 'vu' });
    expect(Date.parse(r[1].entity.updated_at)).toBeGreaterThan(Date.parse(r[0].entity.updated_at));
    expect((await leader.get(`/participants/${r[0].serverId}`)).status).toBe(404);
    expect((await leader.get(`/points?honor_id=${r[2].serverId}`)).body.data).toHaveLength(0);
  });

  it('redoes a long push change by change around its one failing change', async () => {
    const p = await newParticipant(leader, 'Long');
    const edited = await leader.patch(`/participants/${p.id}`, {
      notes: 'serveur',
      updated_at: p.updated_at,
    });
    expect(edited.status).toBe(200);
    const changes: Json[] = Array.from({ length: 130 }, (_, i) =>
      change('participants', 'create', { payload: { first_name: `Long${i}`, last_name: 'Poussée' } }),
    );
    changes.splice(
      100,
      0,
      change('participants', 'update', {
        entityId: p.id,
        payload: { notes: 'appareil' },
        baseUpdatedAt: p.updated_at,
      }),
    );
    const r = (await leader.push(changes)).body.data.results;
    expect(r.map((x: Json) => x.status)).toEqual(changes.map((_, i) => (i === 100 ? 'conflict' : 'applied')));
    const kept = (await leader.get('/participants?limit=1000')).body.data.filter(
      (x: Json) => x.last_name === 'Poussée',
    );
    expect(kept).toHaveLength(130);
  });

  it('rejects invalid, read-only and foreign changes without blocking the others, and skips dependants', async () => {
    const bad = change('participants', 'create', { payload: { first_name: 42 } });
    const pts = change('points', 'create', { payload: { value: 100 } });
    const templates = change('badge_templates', 'update', { entityId: 1, payload: { name: 'x' } });
    const orgB = (await otherOrg.get('/participants?limit=1')).body.data[0];
    const foreign = change('honors', 'create', {
      payload: { participant_id: orgB.id, date: '2026-07-01', reason: 'x' },
    });
    const child = change('attendance', 'create', {
      payload: { participant_id: bad.tempId, date: '2026-07-01', status: 'present' },
    });
    const unknownTemp = change('attendance', 'create', {
      payload: { participant_id: generateTempId(), date: '2026-07-01', status: 'present' },
    });
    const good = change('groups', 'create', { payload: { name: 'Unaffected' } });
    const garbage = { correlationId: randomUUID(), entityType: 'nope', operation: 'create' };
    const res = await leader.push([bad, pts, templates, foreign, child, unknownTemp, garbage, good]);
    const r = res.body.data.results;
    expect(r[0]).toMatchObject({ status: 'rejected', error: { code: 'validation_failed' } });
    expect(r[1]).toMatchObject({ status: 'rejected', error: { code: 'read_only' } });
    expect(r[2]).toMatchObject({ status: 'rejected', error: { code: 'read_only' } });
    expect(r[3]).toMatchObject({ status: 'rejected', error: { code: 'not_found' } });
    expect(r[4]).toMatchObject({ status: 'skipped', error: { code: 'dependency_pending' } });
    expect(r[5]).toMatchObject({ status: 'skipped', error: { code: 'dependency_pending' } });
    expect(r[6]).toMatchObject({
      status: 'rejected',
      correlationId: garbage.correlationId,
      error: { code: 'validation_failed' },
    });
    expect(r[7]).toMatchObject({ status: 'applied' });
    // Nothing of the foreign write reached organization B.
    expect(
      (await otherOrg.get(`/honors?participant_id=${orgB.id}`)).body.data.every(
        (h: Json) => h.reason !== 'x',
      ),
    ).toBe(true);
  });

  it('refuses a whole push from a viewer, a bad envelope, and too many changes', async () => {
    const create = change('groups', 'create', { payload: { name: 'Viewer group' } });
    const denied = await viewer.push([create]);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect(
      (await leader.get('/groups?limit=1000')).body.data.some((g: Json) => g.name === 'Viewer group'),
    ).toBe(false);
    const envelope = await leader.post('/sync/push', { changes: 'nope' });
    expect(envelope.status).toBe(400);
    const tooMany = await leader.push(
      Array.from({ length: 501 }, () => change('groups', 'create', { payload: { name: 'n' } })),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('payload_too_large');
  });

  it('derives points from honors and removes them with the honor', async () => {
    const p = await newParticipant(leader, 'Points');
    const honor = await leader.post('/honors', { participant_id: p.id, date: '2026-07-02', reason: 'Bravo' });
    expect(honor.status).toBe(201);
    expect((await leader.get(`/points?honor_id=${honor.body.data.id}`)).body.data).toHaveLength(1);
    const del = await leader.push([change('honors', 'delete', { entityId: honor.body.data.id })]);
    expect(del.body.data.results[0]).toMatchObject({ status: 'applied', serverId: honor.body.data.id });
    expect((await leader.get(`/points?participant_id=${p.id}`)).body.data).toHaveLength(0);
  });

  it('never loses a badge approval to a stale or blind write', async () => {
    const p = await newParticipant(leader, 'Badge');
    const template = (await leader.get('/badge_templates?limit=1')).body.data[0];
    const created = await leader.post('/badge_progress', {
      participant_id: p.id,
      badge_template_id: template.id,
    });
    const approved = await admin.patch(`/badge_progress/${created.body.data.id}`, {
      status: 'approved',
      updated_at: created.body.data.updated_at,
    });
    expect(approved.body.data.status).toBe('approved');
    const stale = change('badge_progress', 'update', {
      entityId: created.body.data.id,
      payload: { status: 'pending' },
      baseUpdatedAt: created.body.data.updated_at,
    });
    const blind = change('badge_progress', 'update', {
      entityId: created.body.data.id,
      payload: { status: 'rejected' },
    });
    const blindDelete = change('badge_progress', 'delete', { entityId: created.body.data.id });
    const res = await admin.push([stale, blind, blindDelete]);
    expect(res.body.data.results.map((r: Json) => r.status)).toEqual(['conflict', 'conflict', 'conflict']);
    expect((await leader.get(`/badge_progress/${created.body.data.id}`)).body.data.status).toBe('approved');
  });

  it('lets only an admin approve or reject badge progress, or change an approved level', async () => {
    const p = await newParticipant(leader, 'Insigne');
    const template = (await leader.get('/badge_templates?limit=1')).body.data[0];
    const progress = (level: number, status?: string) => ({
      participant_id: p.id,
      badge_template_id: template.id,
      level,
      ...(status ? { status } : {}),
    });
    const recorded = await leader.post('/badge_progress', progress(1));
    expect(recorded.status).toBe(201);
    const id = recorded.body.data.id;

    // A leader's approval, rejection or approved create: refused in a push and over REST.
    const res = await leader.push([
      change('badge_progress', 'update', { entityId: id, payload: { status: 'approved' } }),
      change('badge_progress', 'update', { entityId: id, payload: { status: 'rejected' } }),
      change('badge_progress', 'create', { payload: progress(2, 'approved') }),
      change('badge_progress', 'update', { entityId: id, payload: { description: 'Noté par un animateur' } }),
    ]);
    expect(res.body.data.results.map((r: Json) => [r.status, r.error?.code ?? null])).toEqual([
      ['rejected', 'forbidden'],
      ['rejected', 'forbidden'],
      ['rejected', 'forbidden'],
      ['applied', null],
    ]);
    const refused = await leader.patch(`/badge_progress/${id}`, { status: 'approved' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect((await leader.get(`/badge_progress/${id}`)).body.data.status).toBe('pending');

    // The admin approves; the approved level is then out of a leader's reach, delete included.
    const approved = await admin.patch(`/badge_progress/${id}`, { status: 'approved' });
    expect([approved.status, approved.body.data.status]).toEqual([200, 'approved']);
    const edit = await leader.patch(`/badge_progress/${id}`, { description: 'Changé après coup' });
    expect([edit.status, edit.body.error.code]).toEqual([403, 'forbidden']);
    const removed = await leader.push([change('badge_progress', 'delete', { entityId: id })]);
    expect(removed.body.data.results[0].error.code).toBe('forbidden');
    expect((await leader.get(`/badge_progress/${id}`)).body.data).toMatchObject({
      status: 'approved',
      description: 'Noté par un animateur',
    });
    const rejected = await admin.push([
      change('badge_progress', 'create', { payload: progress(3, 'rejected') }),
    ]);
    expect(rejected.body.data.results[0].status).toBe('applied');
  });

  it('reports medication requirement conflicts without merging anything', async () => {
    const p = await newParticipant(leader, 'Médic');
    const req = await leader.post('/medication_requirements', {
      participant_id: p.id,
      medication_name: 'Ventolin',
      frequency_times: ['08:00'],
    });
    const first = await leader.patch(`/medication_requirements/${req.body.data.id}`, {
      dosage_instructions: '2 bouffées',
      updated_at: req.body.data.updated_at,
    });
    const second = change('medication_requirements', 'update', {
      entityId: req.body.data.id,
      payload: { general_notes: 'au besoin' },
      baseUpdatedAt: req.body.data.updated_at,
    });
    const res = await leader.push([second]);
    expect(res.body.data.results[0]).toMatchObject({
      status: 'conflict',
      code: 'conflict',
      serverEntity: first.body.data,
    });
    const now = (await leader.get(`/medication_requirements/${req.body.data.id}`)).body.data;
    expect(now).toEqual(first.body.data);
  });

  it('never overbooks a carpool offer, even with racing assignments', async () => {
    const activity = await leader.post('/activities', { name: 'Sortie', activity_date: '2026-09-01' });
    const offer = await leader.post('/carpool_offers', {
      activity_id: activity.body.data.id,
      total_seats_available: 2,
      trip_direction: 'to_activity',
    });
    const riders = await Promise.all([1, 2, 3, 4].map((i) => newParticipant(leader, `Rider${i}`)));
    const answers = await Promise.all(
      riders.map((r) =>
        leader.push([
          change('carpool_assignments', 'create', {
            payload: {
              carpool_offer_id: offer.body.data.id,
              participant_id: r.id,
              trip_direction: 'to_activity',
            },
          }),
        ]),
      ),
    );
    const results = answers.map((a) => a.body.data.results[0]);
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected' && r.error.code === 'no_seats')).toHaveLength(2);
    const back = change('carpool_assignments', 'create', {
      payload: {
        carpool_offer_id: offer.body.data.id,
        participant_id: riders[0].id,
        trip_direction: 'from_activity',
      },
    });
    expect((await leader.push([back])).body.data.results[0].error.code).toBe('no_seats');
    const list = await leader.get(`/carpool_assignments?carpool_offer_id=${offer.body.data.id}`);
    expect(list.body.data).toHaveLength(2);
    const shrink = await leader.patch(`/carpool_offers/${offer.body.data.id}`, { total_seats_available: 1 });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error.code).toBe('no_seats');
  });

  it('undoes only the change that fails after writing, in the middle of a push, and keeps the ones around it', async () => {
    const activity = await leader.post('/activities', { name: 'Camp', activity_date: '2026-09-12' });
    const offer = await leader.post('/carpool_offers', {
      activity_id: activity.body.data.id,
      total_seats_available: 2,
      trip_direction: 'both',
    });
    const rider = await newParticipant(leader, 'Passager');
    const seat = await leader.post('/carpool_assignments', {
      carpool_offer_id: offer.body.data.id,
      participant_id: rider.id,
      trip_direction: 'both',
    });
    expect(seat.status).toBe(201);
    const before = change('groups', 'create', { payload: { name: 'Avant' } });
    // Written, then refused by the rule that reads the written row: a rider is on the dropped leg.
    const shrink = change('carpool_offers', 'update', {
      entityId: offer.body.data.id,
      payload: { trip_direction: 'to_activity', total_seats_available: 5 },
    });
    const after = change('participants', 'create', {
      payload: { first_name: 'Après', last_name: 'Tout', group_id: before.tempId },
    });
    const res = await leader.push([before, shrink, after]);
    expect(res.body.data.results.map((r: Json) => r.status)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.body.data.results[1].error.code).toBe('no_seats');
    expect(res.body.data.results[2].entity.group_id).toBe(res.body.data.results[0].serverId);
    const stored = await leader.get(`/carpool_offers/${offer.body.data.id}`);
    expect(stored.body.data).toMatchObject({ trip_direction: 'both', total_seats_available: 2 });
    expect(stored.body.data.updated_at).toBe(offer.body.data.updated_at);
    // The refused change left no receipt: corrected under the same correlationId, it applies.
    const fixed = await leader.push([{ ...shrink, payload: { total_seats_available: 5 } }]);
    expect(fixed.body.data.results[0]).toMatchObject({
      status: 'applied',
      entity: { total_seats_available: 5 },
    });
  });

  it('writes a racing twin of a whole multi-change push once', async () => {
    const group = change('groups', 'create', { payload: { name: 'Jumeaux' } });
    const kids = [1, 2, 3].map((i) =>
      change('participants', 'create', {
        payload: { first_name: `Jumeau${i}`, last_name: 'Twin', group_id: group.tempId },
      }),
    );
    const [a, b] = await Promise.all([leader.push([group, ...kids]), leader.push([group, ...kids])]);
    const statuses = [a, b].map((r) => r.body.data.results.map((x: Json) => x.status));
    expect(statuses.flat().filter((s: string) => s === 'applied')).toHaveLength(4);
    expect(statuses.flat().filter((s: string) => s === 'duplicate')).toHaveLength(4);
    expect(a.body.data.results.map((r: Json) => r.serverId)).toEqual(
      b.body.data.results.map((r: Json) => r.serverId),
    );
    const list = await leader.get(`/participants?group_id=${a.body.data.results[0].serverId}`);
    expect(list.body.data).toHaveLength(3);
  });

  it('stores SQL and HTML in text fields verbatim and returns them as data', async () => {
    const nasty = `Robert'); DROP TABLE participants;-- <script>alert(1)</script> "\u0000"`.replace(
      '\u0000',
      '',
    );
    const res = await leader.push([
      change('participants', 'create', { payload: { first_name: nasty, last_name: '<b>x</b>' } }),
    ]);
    expect(res.body.data.results[0].status).toBe('applied');
    const row = (await leader.get(`/participants/${res.body.data.results[0].serverId}`)).body.data;
    expect(row.first_name).toBe(nasty);
    expect(row.last_name).toBe('<b>x</b>');
    expect((await leader.get('/participants?limit=1')).status).toBe(200);
  });
});

describe('push racing across two server instances on postgres', () => {
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    first = await startFor('postgres');
    second = await startFor('postgres', { databaseUrl: first.databaseUrl as string });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('writes each change of a multi-chunk push once when the same push races on both instances', async () => {
    const a = client(first, await first.login('leader@pack-a.test'));
    const b = client(second, await second.login('leader@pack-a.test'));
    const changes: Json[] = [];
    for (let g = 0; g < 22; g++) {
      const group = change('groups', 'create', { payload: { name: `Course ${g}` } });
      changes.push(group);
      for (let k = 0; k < 5; k++) {
        const kid = change('participants', 'create', {
          payload: { first_name: `Coureur${k}`, last_name: `G${g}`, group_id: group.tempId },
        });
        changes.push(kid);
        changes.push(
          change('honors', 'create', {
            payload: { participant_id: kid.tempId, date: '2026-08-01', reason: 'Vitesse' },
          }),
        );
      }
    }
    const answers = await Promise.all([a.push(changes), b.push(changes), a.push(changes)]);
    const results = answers.map((r) => r.body.data.results as Json[]);
    for (let i = 0; i < changes.length; i++) {
      const statuses = results.map((r) => r[i].status).sort();
      expect(statuses).toEqual(['applied', 'duplicate', 'duplicate']);
      expect(new Set(results.map((r) => r[i].serverId)).size).toBe(1);
    }
    expect(changes.length).toBeGreaterThan(200); // two transactions each
    const groupIds = results[0]?.filter((_, i) => changes[i].entityType === 'groups').map((r) => r.serverId);
    const points: Json[] = (await a.get('/points?limit=1000')).body.data;
    for (const groupId of groupIds ?? []) {
      const kids = await a.get(`/participants?group_id=${groupId}`);
      expect(kids.body.data).toHaveLength(5);
      for (const kid of kids.body.data) {
        expect(points.filter((p) => p.participant_id === kid.id)).toHaveLength(1);
      }
    }
  });
});
