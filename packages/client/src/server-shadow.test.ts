import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, openTestStore } from '../test/helpers';
import type { OfflineStore } from './types';

// Settling a change without sending it (a discard, a person's choice in a conflict) puts the
// record back as the server has it. The pull cursor is already past every version pulled while
// the change waited, so only the newest one seen may come back, or the device keeps an old row
// for good.

const stores: OfflineStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const MIN = 60_000;

async function setup() {
  const clock = new FakeClock();
  const server = new FakeSyncServer(() => clock.now());
  const store = await openTestStore(server.transport(), { clock });
  stores.push(store);
  return { clock, server, store };
}

/** A medication whose device change waits for a person, then changed again on the server. */
async function waitingMedication() {
  const { clock, server, store } = await setup();
  const row = server.write('medication_requirements', {
    participant_id: 1,
    medication_name: 'Ventolin',
    dosage_instructions: '1 puff',
    route: null,
  });
  await store.sync();
  await store.update('medication_requirements', row.id, { dosage_instructions: '2 puffs' });
  server.write('medication_requirements', { dosage_instructions: '3 puffs' }, row.id);
  clock.advance(MIN);
  await store.sync();
  const [conflict] = await store.conflicts.list();
  expect(conflict?.serverVersion?.dosage_instructions).toBe('3 puffs');
  // Another leader changes it again; this device pulls that while the conflict waits.
  server.write('medication_requirements', { route: 'inhaled' }, row.id);
  await store.sync();
  return { clock, server, store, row, conflictId: conflict?.id as number };
}

describe('discarding a change after a newer version was pulled', () => {
  it('an update refused by the server: the device ends with the newest server version', async () => {
    const { server, store } = await setup();
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync();
    server.rejectIf = (c) => (c.payload?.name === 'Refused' ? 'name is not allowed' : null);
    await store.update('groups', row.id, { name: 'Refused' });
    await store.sync();
    server.write('groups', { section: 'scouts' }, row.id);
    await store.sync();
    expect(await store.get('groups', row.id)).toMatchObject({ name: 'Refused', section: 'scouts' });

    const [failed] = await store.outbox.list();
    await store.outbox.discard(failed?.localId as number);
    expect(await store.get('groups', row.id)).toEqual(server.table('groups').get(row.id));
    await store.sync();
    expect(await store.get('groups', row.id)).toEqual(server.table('groups').get(row.id));
  });

  it('a delete refused by the server: the record comes back as the server has it now', async () => {
    const { server, store } = await setup();
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync();
    server.rejectIf = (c) => (c.operation === 'delete' ? 'groups cannot be deleted' : null);
    await store.remove('groups', row.id);
    await store.sync();
    server.write('groups', { name: 'Loups (renamed)' }, row.id);
    await store.sync();
    expect(await store.get('groups', row.id)).toBeUndefined();

    const [failed] = await store.outbox.list();
    await store.outbox.discard(failed?.localId as number);
    expect((await store.get('groups', row.id))?.name).toBe('Loups (renamed)');
    await store.sync();
    expect(await store.get('groups', row.id)).toEqual(server.table('groups').get(row.id));
  });

  it('a record deleted on the server meanwhile stays deleted', async () => {
    const { server, store } = await setup();
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync();
    server.rejectIf = () => 'refused';
    await store.update('groups', row.id, { name: 'Refused' });
    await store.sync();
    server.erase('groups', row.id);
    await store.sync();

    const [failed] = await store.outbox.list();
    await store.outbox.discard(failed?.localId as number);
    expect(await store.get('groups', row.id)).toBeUndefined();
    await store.sync();
    expect(await store.get('groups', row.id)).toBeUndefined();
  });

  it('a deletion seen only in a full snapshot also counts', async () => {
    const { server, store } = await setup();
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync();
    server.rejectIf = () => 'refused';
    await store.update('groups', row.id, { name: 'Refused' });
    await store.sync();
    server.erase('groups', row.id);
    await store.sync({ fullRefresh: true });

    const [failed] = await store.outbox.list();
    await store.outbox.discard(failed?.localId as number);
    await store.sync();
    expect(await store.get('groups', row.id)).toBeUndefined();
  });

  it('a later edit of the record stays on top of the newest server version', async () => {
    const { server, store } = await setup();
    const row = server.write('groups', { name: 'Loups', section: 'cubs' });
    await store.sync();
    server.rejectIf = (c) => (c.payload?.name === 'Refused' ? 'refused' : null);
    await store.update('groups', row.id, { name: 'Refused' });
    await store.sync();
    server.write('groups', { section: 'scouts' }, row.id);
    await store.sync();
    // Edited after the pull, while the refused change still waits (it absorbs the edit).
    await store.update('groups', row.id, { name: 'Loups (device)' });
    server.rejectIf = () => 'refused';
    await store.sync();

    const [failed] = await store.outbox.list();
    await store.outbox.discard(failed?.localId as number);
    expect(await store.get('groups', row.id)).toEqual(server.table('groups').get(row.id));
  });
});

describe('settling a conflict after a newer version was pulled', () => {
  it('the inbox shows the server’s current version', async () => {
    const { store, conflictId } = await waitingMedication();
    const [conflict] = await store.conflicts.list();
    expect(conflict?.id).toBe(conflictId);
    expect(conflict?.serverVersion).toMatchObject({ dosage_instructions: '3 puffs', route: 'inhaled' });
    // What the conflict was found against is kept for the record.
    expect(conflict?.baseVersion?.dosage_instructions).toBe('1 puff');
  });

  it('the server’s version: the device ends with the newest one', async () => {
    const { server, store, row, conflictId } = await waitingMedication();
    await store.conflicts.resolve(conflictId, 'server');
    expect(await store.get('medication_requirements', row.id)).toEqual(
      server.table('medication_requirements').get(row.id),
    );
    await store.sync();
    expect(await store.get('medication_requirements', row.id)).toEqual(
      server.table('medication_requirements').get(row.id),
    );
    expect(store.status.current.pendingCount).toBe(0);
  });

  it('their own version: sent over the newest server version, keeping what changed since', async () => {
    const { server, store, row, conflictId } = await waitingMedication();
    await store.conflicts.resolve(conflictId, 'local');
    expect(await store.get('medication_requirements', row.id)).toMatchObject({
      dosage_instructions: '2 puffs',
      route: 'inhaled',
    });
    await store.sync();
    expect(server.table('medication_requirements').get(row.id)).toMatchObject({
      dosage_instructions: '2 puffs',
      route: 'inhaled',
    });
    expect(await store.get('medication_requirements', row.id)).toEqual(
      server.table('medication_requirements').get(row.id),
    );
    expect(await store.conflicts.list()).toEqual([]);
  });

  it('merged fields: built on the newest server version', async () => {
    const { server, store, row, conflictId } = await waitingMedication();
    await store.conflicts.resolve(conflictId, { fields: { dosage_instructions: '2 or 3 puffs' } });
    expect(await store.get('medication_requirements', row.id)).toMatchObject({
      dosage_instructions: '2 or 3 puffs',
      route: 'inhaled',
    });
    await store.sync();
    expect(server.table('medication_requirements').get(row.id)).toMatchObject({
      dosage_instructions: '2 or 3 puffs',
      route: 'inhaled',
    });
    expect(await store.conflicts.list()).toEqual([]);
  });

  it('a later change of the record replays on top, and still goes to a person', async () => {
    const { clock, server, store } = await setup();
    const row = server.write('medication_requirements', {
      participant_id: 1,
      medication_name: 'Ventolin',
      dosage_instructions: '1 puff',
      route: null,
      frequency_text: null,
    });
    await store.sync();
    await store.update('medication_requirements', row.id, { dosage_instructions: '2 puffs' });
    server.write('medication_requirements', { dosage_instructions: '3 puffs' }, row.id);
    clock.advance(MIN);
    await store.sync();
    // Typed while the conflict waits: its own entry, never sent before the conflict is settled.
    await store.update('medication_requirements', row.id, { frequency_text: 'daily' });
    server.write('medication_requirements', { route: 'inhaled' }, row.id);
    await store.sync();
    const [conflict] = await store.conflicts.list();

    await store.conflicts.resolve(conflict?.id as number, 'server');
    expect(await store.get('medication_requirements', row.id)).toMatchObject({
      dosage_instructions: '3 puffs',
      route: 'inhaled',
      frequency_text: 'daily',
    });
    // The later change was made without seeing the server's newer version: a person decides.
    clock.advance(MIN);
    await store.sync();
    const [next] = await store.conflicts.list();
    expect(next).toMatchObject({ resolution: 'pending-user', entityId: row.id });
    expect(server.table('medication_requirements').get(row.id)?.frequency_text).toBeNull();
  });
});
