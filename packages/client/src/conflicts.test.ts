import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, openTestStore } from '../test/helpers';
import type { OfflineStore } from './types';

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(serverAheadMs = 0) {
  const clock = new FakeClock();
  const server = new FakeSyncServer(() => clock.now());
  server.serverTimeOffsetMs = serverAheadMs;
  const store = await openTestStore(server.transport(), { clock });
  stores.push(store);
  return { clock, server, store };
}

const MIN = 60_000;

describe('conflicts', () => {
  it('participants: fields edited on different devices are merged', async () => {
    const { clock, server, store } = await setup();
    const row = server.write('participants', {
      first_name: 'Lea',
      last_name: 'Roy',
      notes: null,
      group_id: null,
    });
    await store.sync();
    await store.update('participants', row.id, { notes: 'asthma' });
    clock.advance(MIN);
    server.write('participants', { first_name: 'Léa' }, row.id); // another leader, meanwhile
    const report = await store.sync();
    expect(report.conflicts).toBe(1);
    expect(server.table('participants').get(row.id)).toMatchObject({ first_name: 'Léa', notes: 'asthma' });
    expect(await store.get('participants', row.id)).toMatchObject({ first_name: 'Léa', notes: 'asthma' });
    const [record] = await store.conflicts.list({ all: true });
    expect(record).toMatchObject({
      entityType: 'participants',
      strategy: 'field-merge',
      resolution: 'merged',
    });
    expect(record?.resolvedAt).toBe(clock.now());
    expect(record?.serverVersion?.first_name).toBe('Léa');
  });

  it('last-write-wins measures the device clock against the server time', async () => {
    // The device clock is one hour behind the server's.
    const { clock, server, store } = await setup(60 * MIN);
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync(); // the push answer of a sync with changes measures the offset; pull the row first
    await store.create('groups', { name: 'probe' });
    await store.sync();
    clock.advance(MIN);
    server.write('groups', { name: 'Loups (server)' }, row.id);
    clock.advance(MIN);
    await store.update('groups', row.id, { name: 'Loups (device, later)' }); // later in real time
    await store.sync();
    expect(server.table('groups').get(row.id)?.name).toBe('Loups (device, later)');
    const [record] = await store.conflicts.list({ all: true });
    expect(record?.resolution).toBe('local-wins');

    // An edit made before the server's (in real time) loses.
    await store.update('groups', row.id, { name: 'stale edit' });
    const entry = (await store.outbox.list())[0];
    await store.db._outbox.update(entry?.localId as number, { timestamp: clock.now() - 30 * MIN });
    server.write('groups', { name: 'fresh on server' }, row.id);
    await store.sync();
    expect(server.table('groups').get(row.id)?.name).toBe('fresh on server');
    expect((await store.get('groups', row.id))?.name).toBe('fresh on server');
  });

  it('badge progress: an approval is never lost to a later stale edit', async () => {
    const { clock, server, store } = await setup();
    const row = server.write('badge_progress', {
      participant_id: 1,
      badge_template_id: 1,
      level: 1,
      status: 'pending',
      objective: null,
    });
    await store.sync();
    server.write('badge_progress', { status: 'approved' }, row.id);
    clock.advance(MIN);
    await store.update('badge_progress', row.id, { status: 'rejected', objective: 'Camp skills' });
    await store.sync();
    expect(server.table('badge_progress').get(row.id)).toMatchObject({
      status: 'approved',
      objective: 'Camp skills',
    });
    expect(await store.get('badge_progress', row.id)).toMatchObject({
      status: 'approved',
      objective: 'Camp skills',
    });
    expect((await store.conflicts.list({ all: true }))[0]?.resolution).toBe('status-escalated');
  });

  it('medication requirements wait for a person, and nothing of that record is pushed until then', async () => {
    const { clock, server, store } = await setup();
    const row = server.write('medication_requirements', {
      participant_id: 1,
      medication_name: 'Ventolin',
      route: null,
    });
    await store.sync();
    await store.update('medication_requirements', row.id, { dosage_instructions: '2 puffs' });
    server.write('medication_requirements', { dosage_instructions: '1 puff' }, row.id);
    clock.advance(MIN);
    const report = await store.sync();
    expect(report.conflicts).toBe(1);
    expect(server.table('medication_requirements').get(row.id)?.dosage_instructions).toBe('1 puff');
    const [waiting] = await store.conflicts.list();
    expect(waiting).toMatchObject({ resolution: 'pending-user', resolvedAt: null });
    expect(waiting?.localVersion?.dosage_instructions).toBe('2 puffs');
    expect(waiting?.serverVersion?.dosage_instructions).toBe('1 puff');
    expect(store.status.current.conflictCount).toBe(1);

    await store.update('medication_requirements', row.id, { route: 'inhaled' });
    const pushesBefore = server.pushes.length;
    await store.sync();
    expect(server.pushes.length).toBe(pushesBefore);
    // The pull did not overwrite what the person typed.
    expect((await store.get('medication_requirements', row.id))?.dosage_instructions).toBe('2 puffs');

    await store.conflicts.resolve(waiting?.id as number, { fields: { dosage_instructions: '1 or 2 puffs' } });
    await store.sync();
    expect(server.table('medication_requirements').get(row.id)).toMatchObject({
      dosage_instructions: '1 or 2 puffs',
      route: 'inhaled',
    });
    expect(await store.conflicts.list()).toEqual([]);
    expect((await store.conflicts.list({ all: true }))[0]?.resolution).toBe('user-merged');
    expect(store.status.current.pendingCount).toBe(0);
  });

  it('a person may keep the server version or their own', async () => {
    const { clock, server, store } = await setup();
    const a = server.write('medication_requirements', {
      participant_id: 1,
      medication_name: 'A',
      route: null,
    });
    const b = server.write('medication_requirements', {
      participant_id: 1,
      medication_name: 'B',
      route: null,
    });
    await store.sync();
    await store.update('medication_requirements', a.id, { route: 'oral (device)' });
    await store.update('medication_requirements', b.id, { route: 'oral (device)' });
    server.write('medication_requirements', { route: 'oral (server)' }, a.id);
    server.write('medication_requirements', { route: 'oral (server)' }, b.id);
    clock.advance(MIN);
    await store.sync();
    const waiting = await store.conflicts.list();
    const forA = waiting.find((c) => c.entityId === a.id);
    const forB = waiting.find((c) => c.entityId === b.id);
    await store.conflicts.resolve(forA?.id as number, 'server');
    await store.conflicts.resolve(forB?.id as number, 'local');
    await store.sync();
    expect(server.table('medication_requirements').get(a.id)?.route).toBe('oral (server)');
    expect(server.table('medication_requirements').get(b.id)?.route).toBe('oral (device)');
    expect((await store.get('medication_requirements', a.id))?.route).toBe('oral (server)');
    await expect(store.conflicts.resolve(forA?.id as number, 'local')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('attendance created on two devices for the same day maps to one row, last write wins', async () => {
    const { clock, server, store } = await setup();
    const kid = server.write('participants', { first_name: 'A', last_name: 'B' });
    await store.sync();
    const other = await openTestStore(server.transport(), { clock });
    stores.push(other);
    await other.sync();
    await other.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'absent' });
    await other.sync();
    clock.advance(MIN);
    // Made after the other device's row reached the server: it wins.
    const mine = await store.create('attendance', {
      participant_id: kid.id,
      date: '2026-07-14',
      status: 'late',
    });
    const report = await store.sync();
    expect(report.conflicts).toBe(1);
    const rows = server.all('attendance');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('late');
    const local = await store.get('attendance', mine.id);
    expect(local).toMatchObject({ id: rows[0]?.id, status: 'late' });
    expect(await store.db.table('attendance').count()).toBe(1);
    await other.sync();
    expect(await other.query('attendance', { participant_id: kid.id, date: '2026-07-14' })).toMatchObject([
      { status: 'late' },
    ]);
  });

  it('honors never conflict: both devices add theirs, and the derived points come from the server', async () => {
    const { server, store } = await setup();
    const kid = server.write('participants', { first_name: 'A', last_name: 'B' });
    await store.sync();
    const other = await openTestStore(server.transport());
    stores.push(other);
    await other.sync();
    await store.create('honors', { participant_id: kid.id, date: '2026-07-14', reason: 'Helped' });
    await other.create('honors', { participant_id: kid.id, date: '2026-07-14', reason: 'Helped' });
    expect((await store.sync()).conflicts).toBe(0);
    expect((await other.sync()).conflicts).toBe(0);
    await store.sync();
    expect(await store.query('honors', { participant_id: kid.id })).toHaveLength(2);
    expect(await store.query('points', { participant_id: kid.id })).toHaveLength(2);
  });
});

describe('a local delete that loses its conflict', () => {
  it('brings back the record and the children its delete had removed on this device', async () => {
    const { clock, server, store } = await setup();
    const kid = server.write('participants', { first_name: 'A', last_name: 'B', notes: null });
    const att = server.write('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
    const honor = server.write('honors', { participant_id: kid.id, date: '2026-07-14', reason: 'Helped' });
    await store.sync();
    await store.remove('participants', kid.id);
    expect(await store.get('attendance', att.id)).toBeUndefined();
    clock.advance(MIN);
    server.write('participants', { notes: 'kept by another leader' }, kid.id); // later: it wins
    const report = await store.sync();
    expect(report.conflicts).toBe(1);
    expect(server.table('participants').get(kid.id)).toBeDefined();
    expect((await store.get('participants', kid.id))?.notes).toBe('kept by another leader');
    expect(await store.get('attendance', att.id)).toMatchObject({ status: 'present' });
    expect(await store.get('honors', honor.id)).toBeDefined();
    expect(store.status.current.pendingCount).toBe(0);
  });
});
