import type { OutboxAuthor, PushRequest } from '@wampums/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { openTestStore } from '../test/helpers';
import type { Transport } from './transport';
import type { OfflineStore } from './types';

const MATHIEU: OutboxAuthor = { id: 7, organizationId: 1, name: 'Mathieu' };
const GENEVIEVE: OutboxAuthor = { id: 8, organizationId: 1, name: 'Geneviève' };

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

/** The fake server's transport, recording for whom each push was made. */
function recording(server: FakeSyncServer) {
  const inner = server.transport();
  const pushes: { author: OutboxAuthor | null | undefined; request: PushRequest }[] = [];
  const transport: Transport = {
    get requestCount() {
      return inner.requestCount;
    },
    push(request, signal, author) {
      pushes.push({ author, request });
      return inner.push(request, signal);
    },
    pull: (...args) => inner.pull(...args),
  };
  return { transport, pushes };
}

describe('changes of several people on one device', () => {
  it('records each change’s author and pushes only the signed-in person’s changes', async () => {
    const server = new FakeSyncServer();
    const { transport, pushes } = recording(server);
    const tokensAskedFor: (OutboxAuthor | null | undefined)[] = [];
    store = await openTestStore(transport, {
      user: MATHIEU,
      getToken: async (forUser) => {
        tokensAskedFor.push(forUser);
        return 'token-1';
      },
    });
    // Mathieu, offline: a participant and their attendance.
    const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
    await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });

    // Geneviève takes the phone: her own change, and an edit of Mathieu's participant.
    await store.setUser(GENEVIEVE);
    const group = await store.create('groups', { name: 'Castors' });
    await store.update('participants', kid.id, { notes: 'Allergie' });

    const entries = await store.outbox.list();
    expect(entries.map((e) => [e.entityType, e.operation, e.authorId, e.authorName])).toEqual([
      ['participants', 'create', 7, 'Mathieu'],
      ['attendance', 'create', 7, 'Mathieu'],
      ['groups', 'create', 8, 'Geneviève'],
      // Not merged into Mathieu's create: each person's change is sent under their own session.
      ['participants', 'update', 8, 'Geneviève'],
    ]);
    expect(entries[0]?.payload?.notes ?? null).toBeNull();

    const first = await store.sync();
    expect(first).toMatchObject({ pushed: 1, failed: 0, error: null });
    expect(pushes.map((p) => p.author?.id)).toEqual([8]);
    expect(pushes[0]?.request.changes.map((c) => c.entityType)).toEqual(['groups']);
    expect(tokensAskedFor.at(-1)).toEqual(GENEVIEVE);
    expect(server.all('participants')).toEqual([]);
    expect(server.all('groups').map((g) => g.name)).toEqual(['Castors']);
    // Mathieu's two changes, and Geneviève's edit of his participant behind them, still wait.
    expect(store.status.current.pendingCount).toBe(3);
    expect(store.status.current.waitingForOthers).toEqual([{ authorId: 7, authorName: 'Mathieu', count: 2 }]);
    expect((await store.get('groups', group.id))?.id).toBe(server.all('groups')[0]?.id);

    // Mathieu signs in again: his changes go, for him; Geneviève's edit waits for her.
    await store.setUser(MATHIEU);
    expect(store.status.current.waitingForOthers).toEqual([
      { authorId: 8, authorName: 'Geneviève', count: 1 },
    ]);
    const second = await store.sync();
    expect(second).toMatchObject({ pushed: 2, failed: 0, error: null });
    expect(pushes.slice(1).map((p) => p.author?.id)).toEqual([7]);
    expect(pushes[1]?.request.changes.map((c) => c.entityType)).toEqual(['participants', 'attendance']);
    const serverKid = server.all('participants')[0];
    expect(serverKid).toMatchObject({ first_name: 'Léa' });
    expect(serverKid?.notes ?? null).toBeNull();
    expect(store.status.current.pendingCount).toBe(1);

    await store.setUser(GENEVIEVE);
    expect(store.status.current.waitingForOthers).toEqual([]);
    expect(await store.sync()).toMatchObject({ pushed: 1, error: null });
    expect(pushes.at(-1)?.author?.id).toBe(8);
    // Her edit, made on the temp id, went with the server id Mathieu's push gave it.
    expect(pushes.at(-1)?.request.changes[0]).toMatchObject({ entityId: serverKid?.id, operation: 'update' });
    expect(server.all('participants')[0]?.notes).toBe('Allergie');
    expect(store.status.current.pendingCount).toBe(0);
  });

  it('sends nothing of a known author while nobody is signed in', async () => {
    const server = new FakeSyncServer();
    const { transport, pushes } = recording(server);
    store = await openTestStore(transport, { user: MATHIEU });
    await store.create('groups', { name: 'Louveteaux' });
    await store.setUser(null);
    await store.sync();
    expect(pushes).toEqual([]);
    expect(server.all('groups')).toEqual([]);
    expect(store.status.current.waitingForOthers).toEqual([{ authorId: 7, authorName: 'Mathieu', count: 1 }]);
  });

  it('lets the token provider refuse a push made for someone else: the changes wait, untouched', async () => {
    const server = new FakeSyncServer();
    store = await openTestStore(server.transport(), {
      user: MATHIEU,
      // The app's current token is Geneviève's: it answers nothing for Mathieu.
      getToken: async (forUser) => (forUser && forUser.id !== GENEVIEVE.id ? null : 'token-1'),
    });
    await store.create('groups', { name: 'Éclaireurs' });
    const report = await store.sync();
    expect(report.skipped).toBe('auth-paused');
    expect(server.pushes).toEqual([]);
    const [entry] = await store.outbox.list();
    expect(entry).toMatchObject({ status: 'pending', retryCount: 0, authorId: 7 });
  });
});
