import type { OutboxEntry } from '@wampums/schema';
import { Dexie } from 'dexie';
import type { Clock } from './clock';
import type { StatusApi, SyncStatus } from './types';

export const INITIAL_STATUS: SyncStatus = {
  online: true,
  syncing: false,
  pendingCount: 0,
  failedCount: 0,
  refusedCount: 0,
  retryingCount: 0,
  retryCount: 0,
  nextRetryAt: null,
  conflictCount: 0,
  waitingForOthers: [],
  lastSyncAt: null,
  pullProgress: null,
  quotaWarning: null,
  authPaused: false,
  lastError: null,
  upgradeRequired: null,
  replacedByNewerVersion: false,
};

/** The observable sync status. Listeners run synchronously on every actual change. */
export class StatusStore implements StatusApi {
  private value: SyncStatus;
  private readonly listeners = new Set<(status: SyncStatus) => void>();

  constructor(initial: Partial<SyncStatus> = {}) {
    this.value = { ...INITIAL_STATUS, ...initial };
  }

  get current(): SyncStatus {
    return this.value;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Merges `patch`; emits only when something changed. */
  set(patch: Partial<SyncStatus>): void {
    const next = { ...this.value, ...patch };
    const changed = (Object.keys(patch) as (keyof SyncStatus)[]).some((k) => next[k] !== this.value[k]);
    if (!changed) return;
    this.value = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch {
        // One failing listener must not stop the others, nor sync.
      }
    }
  }
}

/** The outbox figures of the status. */
export type OutboxCounts = Pick<
  SyncStatus,
  | 'pendingCount'
  | 'failedCount'
  | 'conflictCount'
  | 'waitingForOthers'
  | 'refusedCount'
  | 'retryingCount'
  | 'retryCount'
  | 'nextRetryAt'
>;

/** One outbox entry changing status (`null`: not there, before or after). */
export interface OutboxStatusChange {
  from: OutboxEntry['status'] | null;
  to: OutboxEntry['status'] | null;
}

const UNSETTLED = new Set<OutboxEntry['status'] | null>(['pending', 'in_progress', 'failed', 'conflict']);

export interface OutboxCounterOptions {
  status: StatusStore;
  /** Counts the outbox in the database. */
  count: () => Promise<OutboxCounts>;
  clock: Clock;
  /** A count asked for by `refreshSoon` waits for changes to pause this long, ms. */
  quietMs?: number;
  /** ... but never longer than this after the first change, ms. */
  maxWaitMs?: number;
}

/**
 * Keeps the outbox counts of the status current without counting the outbox after every write
 * (a count walks an index: with a large outbox, one per tap made writes slow). A write of this
 * context adjusts the counts by what it changed; a count from the database sets them exactly,
 * after a sync, on a person's action, and shortly after the outbox changed elsewhere (another
 * tab, the service worker) or here.
 */
export class OutboxCounter {
  private counting: Promise<void> | null = null;
  private recount: Promise<void> | null = null;
  /** Writes adjusted the counts while a count ran: it may have missed them. */
  private adjustedWhileCounting = false;
  private timer: unknown = null;
  private firstChangeAt: number | null = null;

  constructor(private readonly o: OutboxCounterOptions) {}

  /**
   * Counts now. Calls made while a count runs share one follow-up count, so every caller sees
   * counts taken after its call.
   */
  refresh(): Promise<void> {
    if (!this.counting) {
      this.adjustedWhileCounting = false;
      this.counting = this.o
        .count()
        .then((counts) => {
          // A new array each count: kept as it was when equal, so that listeners are not woken.
          const same =
            JSON.stringify(counts.waitingForOthers) ===
            JSON.stringify(this.o.status.current.waitingForOthers);
          this.o.status.set(
            same ? { ...counts, waitingForOthers: this.o.status.current.waitingForOthers } : counts,
          );
          if (this.adjustedWhileCounting) this.refreshSoon();
        })
        .finally(() => {
          this.counting = null;
        });
      return this.counting;
    }
    this.recount ??= this.counting
      .catch(() => undefined)
      .then(() => {
        this.recount = null;
        return this.refresh();
      });
    return this.recount;
  }

  /** Counts once the outbox has been quiet for a moment (at most `maxWaitMs` after the first call). */
  refreshSoon(): void {
    const { clock } = this.o;
    const now = clock.now();
    this.firstChangeAt ??= now;
    const quiet = this.o.quietMs ?? 300;
    const wait = Math.max(0, Math.min(quiet, this.firstChangeAt + (this.o.maxWaitMs ?? 1000) - now));
    clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.timer = null;
      this.firstChangeAt = null;
      void this.refresh().catch(() => undefined);
    }, wait);
  }

  /** Adjusts the counts by the changes a committed write of this context made. */
  adjust(changes: readonly OutboxStatusChange[]): void {
    if (changes.length === 0) return;
    if (this.counting) this.adjustedWhileCounting = true;
    const { pendingCount, failedCount, conflictCount } = this.o.status.current;
    const next = { pendingCount, failedCount, conflictCount };
    for (const { from, to } of changes) {
      next.pendingCount += Number(UNSETTLED.has(to)) - Number(UNSETTLED.has(from));
      next.failedCount += Number(to === 'failed') - Number(from === 'failed');
      next.conflictCount += Number(to === 'conflict') - Number(from === 'conflict');
    }
    this.o.status.set({
      pendingCount: Math.max(0, next.pendingCount),
      failedCount: Math.max(0, next.failedCount),
      conflictCount: Math.max(0, next.conflictCount),
    });
    // Whether a failed entry was refused or retries is not in its status: a count tells.
    if (changes.some((c) => c.from === 'failed' || c.to === 'failed')) this.refreshSoon();
  }

  close(): void {
    this.o.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * Calls `listener` after every committed change of the outbox of database `dbName`, made in this
 * context or another (Dexie tells tabs and the service worker of each other's writes). Cheaper
 * than a live query, which would count the outbox again after every write. Returns the
 * unsubscribe function.
 */
export function watchOutbox(dbName: string, listener: () => void): () => void {
  return watchStore(dbName, '_outbox', listener);
}

/** Like `watchOutbox`, for any store of the database (`_syncMeta`: a sync run elsewhere ended). */
export function watchStore(dbName: string, store: string, listener: () => void): () => void {
  const prefix = `idb://${dbName}/${store}/`;
  const onMutated = (parts: Record<string, unknown>) => {
    for (const key in parts) {
      if (key === 'all' || key.startsWith(prefix)) {
        listener();
        return;
      }
    }
  };
  Dexie.on('storagemutated', onMutated);
  return () => Dexie.on('storagemutated').unsubscribe(onMutated);
}
