import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { openTestStore } from '../test/helpers';
import type { OfflineStore } from './types';

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

describe('push', () => {
  it('sends a family created offline parents first and replaces temp ids everywhere', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport());
    const group = await store.create('groups', { name: 'Loups' });
    const kid = await store.create('participants', {
      first_name: 'Léa',
      last_name: 'Roy',
      group_id: group.id,
    });
    const att = await store.create('attendance', {
      participant_id: kid.id,
      date: '2026-07-14',
      status: 'present',
    });
    const med = await store.create('medication_requirements', {
      participant_id: kid.id,
      medication_name: 'Ventolin',
    });
    await store.create('medication_distributions', {
      medication_requirement_id: med.id,
      participant_id: kid.id,
      scheduled_for: '2026-07-14T08:00:00.000Z',
    });

    const report = await store.sync();
    expect(report).toMatchObject({ pushed: 5, failed: 0, conflicts: 0, error: null });
    expect(server.pushes).toHaveLength(1);
    expect(server.pushes[0]?.changes.map((c) => c.entityType)).toEqual([
      'groups',
      'participants',
      'attendance',
      'medication_requirements',
      'medication_distributions',
    ]);

    const serverKid = server.all('participants')[0];
    const serverGroup = server.all('groups')[0];
    expect(serverKid?.group_id).toBe(serverGroup?.id);
    // Local: server ids in keys and foreign keys; no temp ids left anywhere.
    const localKid = await store.get('participants', kid.id);
    expect(localKid?.id).toBe(serverKid?.id);
    expect(localKid?.group_id).toBe(serverGroup?.id);
    const localAtt = await store.get('attendance', att.id);
    expect(localAtt?.participant_id).toBe(serverKid?.id);
    const dist = (await store.query('medication_distributions'))[0];
    expect(dist?.participant_id).toBe(serverKid?.id);
    expect(dist?.medication_requirement_id).toBe(server.all('medication_requirements')[0]?.id);
    for (const table of store.db.tables) {
      if (table.name.startsWith('_')) continue;
      expect(JSON.stringify(await table.toArray())).not.toMatch(/temp_/);
    }
    expect(await store.db._idMap.count()).toBe(5);
    expect(await store.outbox.list()).toEqual([]);
    expect(store.status.current.pendingCount).toBe(0);
  });

  it('rewrites pending changes made while the create was in flight', async () => {
    const server = new FakeSyncServer();
    const transport = server.transport();
    store = await openTestStore({
      get requestCount() {
        return transport.requestCount;
      },
      pull: (c, l) => transport.pull(c, l),
      async push(request) {
        const answer = await transport.push(request);
        // The user edits the record and adds a child while the request is on the wire.
        const kid = (await store.query('participants'))[0];
        if (kid && request.changes[0]?.operation === 'create') {
          await store.update('participants', kid.id, { notes: 'asthma' });
          await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'late' });
        }
        return answer;
      },
    });
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    const report = await store.sync();
    expect(report.pushed).toBe(3);
    const serverKid = server.all('participants')[0];
    expect(serverKid?.notes).toBe('asthma');
    expect(server.all('attendance')[0]?.participant_id).toBe(serverKid?.id);
    expect((await store.get('participants', kid.id))?.notes).toBe('asthma');
    // The edit was sent as an update of the server id, based on the row the create produced.
    const update = server.pushes[1]?.changes.find((c) => c.operation === 'update');
    expect(update?.entityId).toBe(serverKid?.id);
    expect(update?.baseUpdatedAt).toBeTruthy();
  });

  it('keeps children pending when the server rejects their parent, and shows the error', async () => {
    const server = new FakeSyncServer();
    server.rejectIf = (c) => (c.entityType === 'participants' ? 'last name is not allowed' : null);
    store = await openTestStore(server.transport());
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
    await store.create('groups', { name: 'Loups' });
    const report = await store.sync();
    expect(report).toMatchObject({ pushed: 1, failed: 1 });
    const [failed, child] = await store.outbox.list();
    expect(failed).toMatchObject({
      status: 'failed',
      retryCount: 1,
      lastError: { code: 'validation_failed', message: 'last name is not allowed' },
    });
    expect(failed?.nextAttemptAt).toBeUndefined();
    expect(child).toMatchObject({ entityType: 'attendance', status: 'pending' });
    expect(server.all('attendance')).toHaveLength(0);
    expect(store.status.current.failedCount).toBe(1);

    // Never retried blindly: another sync sends nothing.
    const before = server.pushes.length;
    await store.sync();
    expect(server.pushes.length).toBe(before);

    // Fixed by the user, it goes with its child.
    server.rejectIf = () => null;
    await store.update('participants', kid.id, { last_name: 'Roy-Tremblay' });
    const after = await store.sync();
    expect(after.pushed).toBe(2);
    expect(server.all('attendance')[0]?.participant_id).toBe(server.all('participants')[0]?.id);
  });

  it('sends large outboxes in batches of the configured size', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport(), { pushBatchSize: 4 });
    for (let i = 0; i < 10; i++) await store.create('groups', { name: `G${i}` });
    const report = await store.sync();
    expect(report.pushed).toBe(10);
    expect(server.pushes.map((p) => p.changes.length)).toEqual([4, 4, 2]);
    expect(server.all('groups')).toHaveLength(10);
  });

  it('a temp id held by a screen still finds the record after sync', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport());
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    await store.sync();
    const found = await store.get('participants', kid.id);
    expect(found?.first_name).toBe('Léa');
    expect(typeof found?.id).toBe('number');
    await store.update('participants', kid.id, { notes: 'via temp id' });
    expect(await store.query('attendance', { participant_id: kid.id })).toEqual([]);
    await store.sync();
    expect(server.all('participants')[0]?.notes).toBe('via temp id');
  });
});
