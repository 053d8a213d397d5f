import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSyncServer } from '../test/fake-sync-server';
import { FakeClock, openTestStore, settle } from '../test/helpers';
import type { EventSourceLike } from './live-events';
import type { OfflineStore } from './types';

class FakeEventSource implements EventSourceLike {
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data: string): void {
    for (const l of this.listeners.get(type) ?? []) l({ data });
  }
}

let store: OfflineStore;
afterEach(async () => {
  await store?.close();
});

describe('live server events', () => {
  it('pulls as soon as the server announces changes, and polls while the stream is down', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    const sources: FakeEventSource[] = [];
    store = await openTestStore(server.transport(), {
      clock,
      autoSync: true,
      pollIntervalMs: 30_000,
      eventSource: (url) => {
        const source = new FakeEventSource(url);
        sources.push(source);
        return source;
      },
    });
    await settle(40);
    await store.sync();
    const source = sources[0] as FakeEventSource;
    expect(source.url).toBe('http://127.0.0.1:9/api/v1/sync/events?ticket=ticket-1');
    source.onopen?.({});
    await settle(40);

    const row = server.write('groups', { name: 'From another device' });
    const before = server.pullRequests;
    source.emit('changes', JSON.stringify({ cursor: '1' }));
    await vi.waitFor(async () =>
      expect((await store.get('groups', row.id))?.name).toBe('From another device'),
    );
    expect(server.pullRequests).toBe(before + 1);

    // The stream drops: it is closed, periodic pulls take over, and it reopens with a new ticket.
    source.onerror?.({});
    expect(source.closed).toBe(true);
    const other = server.write('groups', { name: 'Second' });
    const pullsBefore = server.pullRequests;
    await settle(40);
    expect(server.pullRequests).toBe(pullsBefore);
    clock.advance(30_000);
    await vi.waitFor(async () => expect(await store.get('groups', other.id)).toBeDefined());
    expect(server.pullRequests).toBe(pullsBefore + 1);
    expect(sources.length).toBe(2);
    expect(sources[1]?.url).toBe('http://127.0.0.1:9/api/v1/sync/events?ticket=ticket-2');
  });
  it('leaves a local write’s pull to the echo of its push: one push and one pull per write', async () => {
    const clock = new FakeClock();
    const server = new FakeSyncServer(() => clock.now());
    const sources: FakeEventSource[] = [];
    store = await openTestStore(server.transport(), {
      clock,
      autoSync: true,
      eventSource: (url) => {
        const source = new FakeEventSource(url);
        sources.push(source);
        return source;
      },
    });
    await settle(40);
    await store.sync();
    const source = sources[0] as FakeEventSource;
    source.onopen?.({});
    await settle(40);
    await vi.waitFor(() => expect(store.status.current.syncing).toBe(false));

    const pulls = server.pullRequests;
    await store.create('groups', { name: 'Castors' });
    clock.advance(50);
    await vi.waitFor(() => expect(server.pushes).toHaveLength(1));
    await vi.waitFor(() => expect(store.status.current.pendingCount).toBe(0));
    await settle(40);
    expect(server.pullRequests).toBe(pulls);
    // The server announces the commit: that is the one pull.
    source.emit('changes', JSON.stringify({ cursor: '2' }));
    await vi.waitFor(() => expect(server.pullRequests).toBe(pulls + 1));
    clock.advance(10_000);
    await settle(40);
    expect(server.pullRequests).toBe(pulls + 1);

    // No echo (the stream is silent): the write's run pulls by itself a few seconds later.
    await store.create('groups', { name: 'Louveteaux' });
    clock.advance(50);
    await vi.waitFor(() => expect(server.pushes).toHaveLength(2));
    await settle(40);
    expect(server.pullRequests).toBe(pulls + 1);
    clock.advance(3_000);
    await vi.waitFor(() => expect(server.pullRequests).toBe(pulls + 2));
  }, 20_000);
});
