import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import type { Clock } from '../src/clock';
import { openOfflineStore } from '../src/open-offline-store';
import type { Transport } from '../src/transport';
import type { OfflineStore, OfflineStoreOptions } from '../src/types';

/** A clock that moves only when told: timers run when `advance` passes their time. */
export class FakeClock implements Clock {
  private timers = new Map<number, { at: number; callback: () => void }>();
  private next = 1;
  constructor(public time = Date.parse('2026-07-10T12:00:00.000Z')) {}
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time forward, running every timer that falls due (in time order). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }
  pendingTimers(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.time);
  }
}

/** One fake "device": its own IndexedDB (unless `idb` is shared to simulate a restart or a second tab). */
export function fakeIdb(): { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange } {
  return { indexedDB: new IDBFactory(), IDBKeyRange };
}

export async function openTestStore(
  transport: Transport,
  overrides: Partial<OfflineStoreOptions> = {},
): Promise<OfflineStore> {
  return openOfflineStore({
    baseUrl: 'http://127.0.0.1:9',
    getToken: async () => 'token-1',
    ...fakeIdb(),
    autoSync: false,
    eventSource: null,
    user: { id: 7, organizationId: 1 },
    random: () => 0.5,
    transport,
    ...overrides,
  });
}

/** Lets pending promise callbacks and IndexedDB events run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
