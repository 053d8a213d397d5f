import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { openTestStore } from '../test/helpers';
import { PUSH_PHASES } from './timeline';
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
        // The user edits the record and adds a child while the create is on the wire.
        const kid = (await store.query('participants'))[0];
        if (kid && request.changes.some((c) => c.entityType === 'participants' && c.operation === 'create')) {
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
    const update = server.pushes.flatMap((p) => p.changes).find((c) => c.operation === 'update');
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

describe('push of a large outbox', () => {
  it('sends every change of a large outbox with temp-id chains exactly once, batch after batch', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport(), { pushBatchSize: 7 });
    const kids: (number | string)[] = [];
    for (let unit = 0; unit < 12; unit++) {
      const group = await store.create('groups', { name: `Patrouille ${unit}` });
      for (let k = 0; k < 3; k++) {
        const kid = await store.create('participants', {
          first_name: `Enfant${k}`,
          last_name: `Unité${unit}`,
          group_id: group.id,
        });
        kids.push(kid.id);
        await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
        // A later edit of the offline record: sent after its create, as an update of the server id.
        if (k === 0) await store.update('participants', kid.id, { notes: `note ${unit}` });
      }
    }
    // Edits merged into the creates above, plus one update each for the first kids.
    const total = 12 + 12 * 3 + 12 * 3;
    expect(store.status.current.pendingCount).toBe(total);

    const report = await store.sync();
    expect(report).toMatchObject({ pushed: total, failed: 0, conflicts: 0, error: null });
    const sent = server.pushes.flatMap((p) => p.changes);
    expect(sent).toHaveLength(total);
    expect(new Set(sent.map((c) => c.correlationId)).size).toBe(total);
    expect(server.pushes.every((p) => p.changes.length <= 7)).toBe(true);
    expect(server.all('groups')).toHaveLength(12);
    expect(server.all('participants')).toHaveLength(36);
    expect(server.all('attendance')).toHaveLength(36);
    const groupIds = new Set(server.all('groups').map((g) => g.id));
    const kidIds = new Set(server.all('participants').map((p) => p.id));
    expect(server.all('participants').every((p) => groupIds.has(p.group_id as number))).toBe(true);
    expect(server.all('attendance').every((a) => kidIds.has(a.participant_id as number))).toBe(true);
    expect(server.all('participants').filter((p) => p.notes)).toHaveLength(12);
    for (const table of store.db.tables) {
      if (table.name.startsWith('_')) continue;
      expect(JSON.stringify(await table.toArray())).not.toMatch(/temp_/);
    }
    expect(await store.db._idMap.count()).toBe(12 + 36 + 36);
    expect(await store.outbox.list()).toEqual([]);
    expect(store.status.current.pendingCount).toBe(0);
    // Every temp id a screen holds still finds its record.
    for (const id of kids) expect(typeof (await store.get('participants', id))?.id).toBe('number');
  });

  it('sends what the user writes during a push: new changes, edits merged into queued ones, discards', async () => {
    const server = new FakeSyncServer();
    const transport = server.transport();
    let requests = 0;
    store = await openTestStore(
      {
        get requestCount() {
          return transport.requestCount;
        },
        pull: (c, l) => transport.pull(c, l),
        async push(request) {
          requests += 1;
          if (requests === 1) {
            // While the first batch (the groups) is on the wire, the user goes on working.
            const byName = (x: Record<string, unknown>, y: Record<string, unknown>) =>
              String(x.name ?? x.last_name).localeCompare(String(y.name ?? y.last_name));
            const [first, second] = (await store.query('groups')).sort(byName);
            const kids = (await store.query('participants')).sort(byName);
            const queued = kids[0];
            // An edit merged into a queued create, pointing it at a group now in flight.
            if (queued && first) await store.update('participants', queued.id, { group_id: first.id });
            // A new child of a group in flight.
            if (second) {
              await store.create('participants', {
                first_name: 'Zoé',
                last_name: 'New',
                group_id: second.id,
              });
            }
            // A queued change the user drops.
            const dropped = kids[1];
            const entry = (await store.outbox.list()).find((e) => e.entityId === dropped?.id);
            if (entry?.localId !== undefined) await store.outbox.discard(entry.localId);
          }
          return transport.push(request);
        },
      },
      { pushBatchSize: 2 },
    );
    await store.create('groups', { name: 'A' });
    await store.create('groups', { name: 'B' });
    await store.create('participants', { first_name: 'Léa', last_name: 'Aa' });
    await store.create('participants', { first_name: 'Tom', last_name: 'Bb' });
    await store.create('participants', { first_name: 'Max', last_name: 'Cc' });

    const report = await store.sync();
    expect(report).toMatchObject({ pushed: 5, failed: 0, error: null });
    const [a, b] = server.all('groups').sort((x, y) => String(x.name).localeCompare(String(y.name)));
    const kids = server.all('participants');
    expect(kids.map((k) => k.last_name).sort()).toEqual(['Aa', 'Cc', 'New']);
    expect(kids.find((k) => k.last_name === 'Aa')?.group_id).toBe(a?.id);
    expect(kids.find((k) => k.last_name === 'New')?.group_id).toBe(b?.id);
    expect(server.pushes.flatMap((p) => p.changes)).toHaveLength(5);
    expect(await store.outbox.list()).toEqual([]);
    expect(store.status.current.pendingCount).toBe(0);
    for (const table of store.db.tables) {
      if (table.name.startsWith('_')) continue;
      expect(JSON.stringify(await table.toArray())).not.toMatch(/temp_/);
    }
  });
});

describe('push, entries left naming a synced temp id', () => {
  it('gives them the server id and sends them, instead of waiting for a create that already went', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport());
    const group = await store.create('groups', { name: 'Loups' });
    await store.sync();
    const serverGroup = server.all('groups')[0];
    // A change that still names the group by its temp id, as if its edit was merged unseen.
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    const entry = (await store.outbox.list())[0];
    if (!entry?.localId) throw new Error('no entry');
    await store.db._outbox.put({
      ...entry,
      payload: { ...entry.payload, group_id: group.id },
      dependencies: [{ entityType: 'groups', tempId: group.id as `temp_${number}_${string}` }],
    });
    await store.db.entity('participants').update(kid.id, { group_id: group.id });

    const report = await store.sync();
    expect(report).toMatchObject({ pushed: 1, failed: 0, error: null });
    expect(server.all('participants')[0]?.group_id).toBe(serverGroup?.id);
    expect((await store.get('participants', kid.id))?.group_id).toBe(serverGroup?.id);
    expect(await store.outbox.list()).toEqual([]);
  });
});

describe('push, a request failing while the previous answer settles', () => {
  it('keeps the server ids the settled answer gave the failed changes, and sends them later', async () => {
    const server = new FakeSyncServer();
    const transport = server.transport();
    store = await openTestStore(
      {
        get requestCount() {
          return transport.requestCount;
        },
        pull: (c, l) => transport.pull(c, l),
        async push(request) {
          const answer = await transport.push(request);
          // The next request (the children, sent while this answer settles) is lost.
          if (server.pushes.length === 1) server.faults.push('network');
          return answer;
        },
      },
      { pushBatchSize: 1 },
    );
    const group = await store.create('groups', { name: 'Loups' });
    const kid = await store.create('participants', {
      first_name: 'Léa',
      last_name: 'Roy',
      group_id: group.id,
    });

    const first = await store.sync();
    expect(first).toMatchObject({ pushed: 1, failed: 1 });
    expect(first.error?.code).toBe('network_error');
    const serverGroup = server.all('groups')[0];
    const [waiting] = await store.outbox.list();
    expect(waiting).toMatchObject({ entityType: 'participants', status: 'failed' });
    expect(waiting?.payload?.group_id).toBe(serverGroup?.id);
    expect(waiting?.dependencies).toEqual([]);

    const second = await store.sync({ ignoreBackoff: true });
    expect(second).toMatchObject({ pushed: 1, failed: 0, error: null });
    expect(server.all('participants')[0]?.group_id).toBe(serverGroup?.id);
    expect((await store.get('participants', kid.id))?.group_id).toBe(serverGroup?.id);
    expect(await store.outbox.list()).toEqual([]);
  });

  it('shows its phases in the performance timeline: batches marked, answers settled, waits for the server', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport(), { pushBatchSize: 2 });
    for (let i = 0; i < 5; i++) await store.create('groups', { name: `patrol ${i}` });
    const seen: Record<string, number> = {};
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen[entry.name] = (seen[entry.name] ?? 0) + 1;
    });
    observer.observe({ entryTypes: ['measure'] });
    expect(await store.sync()).toMatchObject({ pushed: 5, error: null });
    await new Promise((resolve) => setTimeout(resolve, 10)); // observers are told in a task
    observer.disconnect();
    expect(server.pushes).toHaveLength(3);
    // Three requests: three batches marked, three waits and three answers settled (the last
    // mark finds nothing left to send).
    expect(seen[PUSH_PHASES.answer]).toBe(3);
    expect(seen[PUSH_PHASES.settle]).toBe(3);
    expect(seen[PUSH_PHASES.mark]).toBeGreaterThanOrEqual(3);
    // The next push starts by dropping them: a long-lived app does not pile them up.
    expect(performance.getEntriesByName(PUSH_PHASES.settle, 'measure')).toHaveLength(3);
    await store.sync();
    expect(performance.getEntriesByName(PUSH_PHASES.settle, 'measure')).toEqual([]);
  });
});
