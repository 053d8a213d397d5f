import { SYNC_META_KEYS } from '@wampums/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, openTestStore } from '../test/helpers';
import { OfflineStoreError } from './errors';
import type { Transport } from './transport';
import type { OfflineStore, PullProgress } from './types';

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

const DAY = 24 * 60 * 60 * 1000;

describe('pull', () => {
  it('stores page after page, saving each cursor with its page, and resumes after a failure', async () => {
    const server = new FakeSyncServer();
    const base = server.transport();
    let pulls = 0;
    let failAt = 0;
    const transport: Transport = {
      get requestCount() {
        return base.requestCount;
      },
      push: (r) => base.push(r),
      async pull(cursor, limit) {
        pulls += 1;
        if (pulls === failAt) throw new OfflineStoreError('network_error', 'network error: dropped');
        return base.pull(cursor, limit);
      },
    };
    store = await openTestStore(transport, { pullPageSize: 2 });
    await store.sync(); // empty snapshot: from now on, changes follow the log
    for (let i = 0; i < 5; i++) server.write('groups', { name: `G${i}` });
    failAt = pulls + 3;
    const progress: (PullProgress | null)[] = [];
    store.status.subscribe((s) => progress.push(s.pullProgress));
    const failed = await store.sync();
    expect(failed.error?.code).toBe('network_error');
    expect(await store.db.table('groups').count()).toBe(4);
    expect((await store.db._syncMeta.get(SYNC_META_KEYS.cursor))?.value).toBe(String(4));
    expect(progress.filter(Boolean).map((p) => p?.pages)).toEqual([0, 1, 2]);

    const pullsBefore = pulls;
    const resumed = await store.sync();
    expect(resumed.pulled).toBe(1);
    expect(pulls - pullsBefore).toBe(1);
    expect((await store.query('groups')).map((g) => g.name)).toEqual(['G0', 'G1', 'G2', 'G3', 'G4']);
  });

  it('sends the device clientId from a cursor, but not in a full refresh nor while a sent change has no answer', async () => {
    const server = new FakeSyncServer();
    const base = server.transport();
    const clock = new FakeClock();
    const sent: (string | null | undefined)[] = [];
    let pushLost = false;
    store = await openTestStore(
      {
        get requestCount() {
          return base.requestCount;
        },
        async push(r) {
          if (pushLost) {
            await base.push(r); // applied on the server, the answer never arrives
            throw new OfflineStoreError('network_error', 'network error: connection reset');
          }
          return base.push(r);
        },
        pull(cursor, limit, _signal, clientId) {
          sent.push(clientId);
          return base.pull(cursor, limit);
        },
      },
      { clock },
    );
    const deviceId = (await store.db._syncMeta.get(SYNC_META_KEYS.clientId))?.value as string;
    expect(deviceId).toEqual(expect.any(String));
    // The signed-in person's own id on this device (the server binds a clientId to one person).
    const clientId = `${deviceId}.1.7`;
    await store.sync(); // a snapshot: every row, whoever wrote it
    await store.sync();
    expect(sent).toEqual([null, clientId]);

    await store.create('groups', { name: 'Perdue' });
    pushLost = true;
    expect((await store.sync()).error?.code).toBe('network_error');
    pushLost = false;
    // The change waits out its backoff: the pull asks for this device's rows too.
    await store.sync();
    expect(sent.at(-1)).toBeNull();
    clock.advance(DAY);
    expect((await store.sync({ ignoreBackoff: true })).pushed).toBe(1);
    expect(sent.at(-1)).toBe(clientId);
    // A push goes with the same id as the pull, so the pull leaves out its echoes.
    expect(server.pushes.at(-1)?.clientId).toBe(clientId);
    await store.sync({ fullRefresh: true });
    expect(sent.at(-1)).toBeNull();
  });

  it('re-applies pending local edits on top of pulled rows, and removes rows deleted on the server', async () => {
    const server = new FakeSyncServer();
    const base = server.transport();
    let pushOffline = false;
    store = await openTestStore({
      get requestCount() {
        return base.requestCount;
      },
      async push(r) {
        if (pushOffline) throw new OfflineStoreError('rate_limited', 'slow down', { status: 429 });
        return base.push(r);
      },
      pull: (c, l) => base.pull(c, l),
    });
    const kid = server.write('participants', { first_name: 'Lea', last_name: 'Roy', notes: null });
    const gone = server.write('groups', { name: 'Old group' });
    await store.sync();
    await store.update('participants', kid.id, { notes: 'asthma' });
    server.write('participants', { first_name: 'Léa' }, kid.id);
    server.erase('groups', gone.id);
    // The push is refused (429), then the pull of a second sync runs: it must not lose the edit.
    pushOffline = true;
    await store.sync();
    pushOffline = false;
    await store.db._outbox.toCollection().modify({ status: 'conflict' }); // hold the edit back
    await store.sync();
    expect(await store.get('participants', kid.id)).toMatchObject({ first_name: 'Léa', notes: 'asthma' });
    expect(await store.get('groups', gone.id)).toBeUndefined();
  });

  it('a full refresh asked by the server replaces the entity stores and keeps the outbox', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport());
    const a = server.write('groups', { name: 'A' });
    const b = server.write('groups', { name: 'B' });
    await store.sync();
    await store.update('groups', a.id, { name: 'A (edited offline)' });
    const offline = await store.create('groups', { name: 'made offline' });
    // While we were away the server forgot its deletes: B vanished without a trace in the log.
    server.table('groups').delete(b.id);
    server.faults.push('network'); // the push fails, the edits stay queued
    await store.sync();
    server.faults.push('full-refresh');
    await store.db._outbox.toCollection().modify({ status: 'conflict' });
    const report = await store.sync();
    expect(report.fullRefresh).toBe(true);
    expect(await store.get('groups', b.id)).toBeUndefined();
    expect((await store.get('groups', a.id))?.name).toBe('A (edited offline)');
    expect(await store.get('groups', offline.id)).toBeDefined();
    expect(await store.db._outbox.count()).toBe(2);
  });

  it('does a full refresh after more than 14 days without a pull', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    store = await openTestStore(server.transport(), { clock });
    const stale = server.write('groups', { name: 'stale' });
    await store.sync();
    server.table('groups').delete(stale.id);
    clock.advance(13 * DAY);
    expect((await store.sync()).fullRefresh).toBe(false);
    expect(await store.get('groups', stale.id)).toBeDefined();
    clock.advance(15 * DAY);
    expect((await store.sync()).fullRefresh).toBe(true);
    expect(await store.get('groups', stale.id)).toBeUndefined();
  });
});
