import { isTempId, TEMP_ID_PATTERN } from '@wampums/schema';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { fakeIdb, openTestStore, settle } from '../test/helpers';
import type { OfflineStore } from './types';

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

describe('local writes', () => {
  it('stores the record and its outbox entry together, with a temp id and a correlation id', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    expect(String(kid.id)).toMatch(TEMP_ID_PATTERN);
    expect(kid).toMatchObject({ first_leader: false, notes: null, organization_id: 1 });
    const [entry] = await store.outbox.list();
    expect(entry).toMatchObject({
      entityType: 'participants',
      entityId: kid.id,
      tempId: kid.id,
      operation: 'create',
      status: 'pending',
      retryCount: 0,
      lastError: null,
      serverResponse: null,
      dependencies: [],
    });
    expect(entry?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves neither record nor entry when the write is refused', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    await expect(
      store.create('attendance', { participant_id: 'temp_1_zzzzzz', date: '2026-07-14', status: 'present' }),
    ).rejects.toMatchObject({ name: 'OfflineStoreError', code: 'validation_failed' });
    await expect(store.create('attendance', { date: 'yesterday' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(store.create('points', { value: 3 })).rejects.toMatchObject({ code: 'read_only' });
    await expect(store.update('groups', 99, { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.outbox.list()).toEqual([]);
    expect(await store.db.table('attendance').count()).toBe(0);
  });

  it('derives dependencies from foreign keys that point at records created offline', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const kid = await store.create('participants', { first_name: 'A', last_name: 'B' });
    await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
    const entries = await store.outbox.list();
    expect(entries[1]?.dependencies).toEqual([{ entityType: 'participants', tempId: kid.id }]);
  });

  it('coalesces pending changes of one record: create+update is one create, create+delete is nothing', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const g = await store.create('groups', { name: 'Loups' });
    await store.update('groups', g.id, { section: 'cubs' });
    await store.update('groups', g.id, { name: 'Loups gris' });
    const entries = await store.outbox.list();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      operation: 'create',
      payload: { name: 'Loups gris', section: 'cubs' },
    });
    await store.remove('groups', g.id);
    expect(await store.outbox.list()).toEqual([]);
    expect(await store.get('groups', g.id)).toBeUndefined();
  });

  it('removing an offline parent removes its offline children and sends nothing for either', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const kid = await store.create('participants', { first_name: 'A', last_name: 'B' });
    await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
    await store.remove('participants', kid.id);
    expect(await store.outbox.list()).toEqual([]);
    expect(await store.db.table('attendance').count()).toBe(0);
  });

  it('queries by single and compound indexes, and refuses fields without an index', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const a = await store.create('participants', { first_name: 'A', last_name: 'B' });
    const b = await store.create('participants', { first_name: 'C', last_name: 'D' });
    for (const [kid, date] of [
      [a, '2026-07-14'],
      [a, '2026-07-15'],
      [b, '2026-07-14'],
    ] as const) {
      await store.create('attendance', { participant_id: kid.id, date, status: 'present' });
    }
    expect(await store.query('attendance', { date: '2026-07-14' })).toHaveLength(2);
    const one = await store.query('attendance', { participant_id: a.id, date: '2026-07-15' });
    expect(one.map((r) => r.date)).toEqual(['2026-07-15']);
    const ordered = await store.query(
      'attendance',
      { participant_id: a.id },
      { orderBy: 'date', reverse: true },
    );
    expect(ordered.map((r) => r.date)).toEqual(['2026-07-15', '2026-07-14']);
    expect(await store.query('attendance', {}, { limit: 2 })).toHaveLength(2);
    await expect(store.query('attendance', { status: 'present' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('live queries emit again after a write', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const seen: number[] = [];
    const stop = store.live(() => store.query('groups')).subscribe((rows) => seen.push(rows.length));
    await vi.waitFor(() => expect(seen).toEqual([0]));
    await store.create('groups', { name: 'Loups' });
    await vi.waitFor(() => expect(seen.at(-1)).toBe(1));
    stop();
  });

  it('live queries filtered by an index, and live gets, emit again after a write', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const group = await store.create('groups', { name: 'Loups' });
    const inGroup: number[] = [];
    const names: (string | undefined)[] = [];
    const stopQuery = store
      .live(() => store.query('participants', { group_id: group.id }))
      .subscribe((rows) => inGroup.push(rows.length));
    const stopGet = store
      .live(() => store.get('groups', group.id))
      .subscribe((row) => names.push(row?.name as string));
    await vi.waitFor(() => expect(inGroup).toEqual([0]));
    await vi.waitFor(() => expect(names).toEqual(['Loups']));
    await store.create('participants', { first_name: 'Léa', last_name: 'Roy', group_id: group.id });
    await store.update('groups', group.id, { name: 'Louveteaux' });
    await vi.waitFor(() => expect(inGroup.at(-1)).toBe(1));
    await vi.waitFor(() => expect(names.at(-1)).toBe('Louveteaux'));
    stopQuery();
    stopGet();
  });

  it('counts pending changes in the status', async () => {
    store = await openTestStore(new FakeSyncServer().transport());
    const counts: number[] = [];
    store.status.subscribe((s) => counts.push(s.pendingCount));
    await store.create('groups', { name: 'Loups' });
    await settle();
    expect(store.status.current.pendingCount).toBe(1);
    expect(isTempId((await store.query('groups'))[0]?.id)).toBe(true);
  });
});

describe('outbox counts in the status', () => {
  it('follow every kind of write without counting the outbox after each, and writes of another tab', async () => {
    const idb = fakeIdb();
    const server = new FakeSyncServer();
    server.rejectIf = (c) => (c.entityType === 'honors' ? 'not allowed' : null);
    store = await openTestStore(server.transport(), idb);
    const counts = () => {
      const { pendingCount, failedCount, conflictCount } = store.status.current;
      return { pendingCount, failedCount, conflictCount };
    };
    const a = await store.create('groups', { name: 'A' });
    const b = await store.create('groups', { name: 'B' });
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy', group_id: a.id });
    expect(counts()).toEqual({ pendingCount: 3, failedCount: 0, conflictCount: 0 });
    // Merged into the queued create: still one change.
    await store.update('groups', a.id, { name: 'A2' });
    expect(counts().pendingCount).toBe(3);
    // A create and its delete cancel out.
    await store.remove('groups', b.id);
    expect(counts().pendingCount).toBe(2);

    await store.sync();
    await store.create('honors', { participant_id: kid.id, date: '2026-07-14', reason: 'Feu' });
    await store.sync();
    expect(counts()).toEqual({ pendingCount: 1, failedCount: 1, conflictCount: 0 });
    // An edit merged into the rejected change makes it pending again.
    const honor = (await store.query('honors'))[0];
    await store.update('honors', honor?.id as string, { reason: 'Feu de camp' });
    expect(counts()).toEqual({ pendingCount: 1, failedCount: 0, conflictCount: 0 });

    // Another tab on the same database: counted shortly after its write.
    const other = await openTestStore(server.transport(), idb);
    await other.create('groups', { name: 'C' });
    await vi.waitFor(() => expect(counts().pendingCount).toBe(2), { timeout: 3000 });
    await other.close();
  });
});
