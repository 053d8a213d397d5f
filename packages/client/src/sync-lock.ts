import { OFFLINE_DB_NAME } from '@wampums/schema';
import type { Clock } from './clock';
import type { WampumsOfflineDB } from './db';

/** Mutual exclusion of sync across tabs and the service worker of one origin. */
export interface SyncLockProvider {
  /**
   * Runs `work` while holding the sync lock, or answers `{ acquired: false }` at once when
   * another context holds it. `signal` aborts when the lock is lost (taken over after this
   * context froze past its lease): the work must stop at its next step.
   */
  tryRun<T>(
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

/** The lease record in `_syncMeta`: who syncs, and until when unless renewed. */
export interface SyncLease {
  owner: string;
  expiresAt: number;
}

export const SYNC_LEASE_KEY = 'syncLease';
const LOCK_NAME = 'wampums-sync';

/**
 * The Web Lock of one database: contexts syncing another database of the same origin (another
 * account, another app: see `offlineDbName`) never wait for this one. The default database keeps
 * the name it always had, so an updated tab and an older service worker still exclude each other.
 */
export function syncLockName(dbName: string): string {
  return dbName === OFFLINE_DB_NAME ? LOCK_NAME : `${LOCK_NAME}:${dbName}`;
}

/** The subset of the Web Locks API used here (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean; steal?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

export interface SyncLockOptions {
  db: WampumsOfflineDB;
  clock: Clock;
  /** A context that stops renewing for this long (frozen, killed) loses the lock. */
  leaseMs: number;
  /** Unique per context. */
  owner: string;
  /** `navigator.locks`, or `null` to use only the lease record. */
  locks: LockManagerLike | null;
}

/** `navigator.locks` of the running context (page or service worker), if it has one. */
export function globalLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

/**
 * The sync lock: Web Locks where they exist (released by the browser when a tab closes), plus a
 * lease in `_syncMeta` that the holder renews while it works. A frozen holder stops renewing;
 * once its lease has expired another context steals the Web Lock (or takes the lease where Web
 * Locks are missing), and the frozen one aborts its work as soon as it runs again.
 */
export function createSyncLock(options: SyncLockOptions): SyncLockProvider {
  const { db, clock, leaseMs, owner, locks } = options;
  const lockName = syncLockName(db.name);

  const readLease = async () => (await db._syncMeta.get(SYNC_LEASE_KEY))?.value as SyncLease | undefined;
  const writeLease = () =>
    db._syncMeta.put({ key: SYNC_LEASE_KEY, value: { owner, expiresAt: clock.now() + leaseMs } });

  /** Takes the lease when free, expired or already ours (atomic: one IndexedDB transaction). */
  const tryTakeLease = () =>
    db.transaction('rw', db._syncMeta, async () => {
      const lease = await readLease();
      if (lease && lease.owner !== owner && lease.expiresAt > clock.now()) return false;
      await writeLease();
      return true;
    });

  const releaseLease = () =>
    db.transaction('rw', db._syncMeta, async () => {
      if ((await readLease())?.owner === owner) await db._syncMeta.delete(SYNC_LEASE_KEY);
    });

  /** Holds the lease while `work` runs: renews it, and aborts when another context took it. */
  async function hold<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: unknown;
    let stopped = false;
    const renew = async () => {
      if (stopped) return;
      const kept = await db
        .transaction('rw', db._syncMeta, async () => {
          if ((await readLease())?.owner !== owner) return false;
          await writeLease();
          return true;
        })
        .catch(() => true);
      if (!kept) controller.abort(new Error('sync lease taken over'));
      else if (!stopped) timer = clock.setTimeout(() => void renew(), leaseMs / 3);
    };
    timer = clock.setTimeout(() => void renew(), leaseMs / 3);
    try {
      return await work(controller.signal);
    } finally {
      stopped = true;
      clock.clearTimeout(timer);
      await releaseLease().catch(() => {});
    }
  }

  return {
    async tryRun(work) {
      if (!locks) {
        if (!(await tryTakeLease())) return { acquired: false };
        return { acquired: true, value: await hold(work) };
      }
      const none = Symbol('busy');
      const run = async () => {
        await writeLease();
        return hold(work);
      };
      const first = await locks.request(lockName, { ifAvailable: true }, async (lock) =>
        lock ? run() : none,
      );
      if (first !== none) return { acquired: true, value: first as Awaited<ReturnType<typeof work>> };
      const lease = await readLease();
      // The holder has stopped renewing: it is frozen or gone without releasing. Take over.
      if (lease && lease.owner !== owner && lease.expiresAt <= clock.now()) {
        return { acquired: true, value: await locks.request(lockName, { steal: true }, run) };
      }
      return { acquired: false };
    },
  };
}
