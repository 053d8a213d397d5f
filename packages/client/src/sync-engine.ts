import { type OutboxAuthor, SYNC_META_KEYS } from '@wampums/schema';
import { personalClientId } from './authors';
import type { BackoffOptions } from './backoff';
import type { Clock } from './clock';
import type { WampumsOfflineDB } from './db';
import { pullAll } from './pull';
import { purgeSynced } from './purge';
import { pushAll } from './push';
import type { StatusStore } from './status';
import type { SyncLockProvider } from './sync-lock';
import { updateSyncState } from './sync-state';
import { type TokenProvider, type Transport, toStoreError } from './transport';
import type { Connectivity, SyncReport } from './types';

export interface SyncEngineOptions {
  db: WampumsOfflineDB;
  transport: Transport;
  clock: Clock;
  random: () => number;
  backoff: BackoffOptions;
  clientId: string;
  pushBatchSize: number;
  pullPageSize: number;
  lock: SyncLockProvider;
  status: StatusStore;
  connectivity: Connectivity;
  getToken: TokenProvider;
  /** The signed-in person: a run pushes only their changes (see `sendsFor`). */
  user(): OutboxAuthor | null;
  withQuota<T>(write: () => Promise<T>): Promise<T>;
  syncedRetentionMs: number;
  /** Re-reads the outbox counts into the status. */
  refreshCounts(): Promise<void>;
  /** Whether to schedule retries by itself. */
  autoRetry: boolean;
}

export interface SyncRunOptions {
  fullRefresh?: boolean;
  /** Send failed changes now, without waiting out their backoff (the device came back online). */
  ignoreBackoff?: boolean;
  /** A person asked: failed changes retried automatically start their backoff over, and go now. */
  resetBackoff?: boolean;
  /**
   * Leave the pull to the live stream's echo of what this run pushed (the stream is up): a
   * local write then costs one push and one pull. When the push applied nothing, pulls anyway.
   */
  pullAfterEcho?: boolean;
}

const CONFLICT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

function emptyReport(): SyncReport {
  return {
    pushed: 0,
    pulled: 0,
    conflicts: 0,
    failed: 0,
    requests: 0,
    fullRefresh: false,
    skipped: null,
    error: null,
    pullDeferred: false,
  };
}

/**
 * Runs sync: one run at a time in this context (concurrent calls share it; a call during a run
 * queues one more run), and one across contexts through the sync lock. A run pushes, then
 * pulls, then purges old synced entries; failures of the network schedule a retry at the
 * earliest backoff.
 */
export class SyncEngine {
  private current: Promise<SyncReport> | null = null;
  private queued: SyncRunOptions | null = null;
  private followUp: Promise<SyncReport> | null = null;
  private rejectedToken: string | null | undefined;
  private retryTimer: unknown = null;
  private closed = false;

  constructor(private readonly o: SyncEngineOptions) {}

  /**
   * Runs a sync. A call made while one runs gets the next run (shared by every such call), so a
   * change written before the call is always part of the run that answers it.
   */
  sync(options: SyncRunOptions = {}): Promise<SyncReport> {
    if (!this.current) return this.start(options);
    this.queued = {
      fullRefresh: Boolean(this.queued?.fullRefresh || options.fullRefresh),
      ignoreBackoff: Boolean(this.queued?.ignoreBackoff || options.ignoreBackoff),
      resetBackoff: Boolean(this.queued?.resetBackoff || options.resetBackoff),
      // A queued run pulls unless every call it answers left the pull to the echo.
      pullAfterEcho: (this.queued?.pullAfterEcho ?? true) && Boolean(options.pullAfterEcho),
    };
    this.followUp ??= this.current
      .catch(() => undefined)
      .then(() => {
        const next = this.queued ?? {};
        this.queued = null;
        this.followUp = null;
        return this.start(next);
      });
    return this.followUp;
  }

  private start(options: SyncRunOptions): Promise<SyncReport> {
    const run = this.run(options).finally(() => {
      this.current = null;
    });
    this.current = run;
    return run;
  }

  /** Waits for the running sync, if any. */
  async idle(): Promise<void> {
    while (this.current || this.followUp) await (this.followUp ?? this.current)?.catch(() => undefined);
  }

  /** Clears an auth pause (a new token is available). */
  clearAuthPause(): void {
    this.rejectedToken = undefined;
    this.o.status.set({ authPaused: false });
  }

  close(): void {
    this.closed = true;
    this.queued = null;
    this.o.clock.clearTimeout(this.retryTimer);
  }

  private async run(options: SyncRunOptions): Promise<SyncReport> {
    const { status, transport } = this.o;
    const report = emptyReport();
    if (this.closed) return { ...report, skipped: 'closed' };
    if (!this.o.connectivity.isOnline()) {
      status.set({ online: false });
      return { ...report, skipped: 'offline' };
    }
    status.set({ online: true });
    // The person this run sends for, fixed for the whole run: a sign-in meanwhile gets the next.
    const author = this.o.user();
    const token = await this.o.getToken(author).catch(() => null);
    if (!token || (status.current.authPaused && token === this.rejectedToken)) {
      status.set({ authPaused: true });
      return { ...report, skipped: 'auth-paused' };
    }
    status.set({ authPaused: false, syncing: true });
    const before = transport.requestCount;
    try {
      const result = await this.o.lock.tryRun((signal) => this.steps(options, signal, report, author));
      if (!result.acquired) report.skipped = 'locked';
      else {
        const now = this.o.clock.now();
        await this.o.db._syncMeta.put({ key: SYNC_META_KEYS.lastSyncAt, value: now });
        if (status.current.upgradeRequired)
          await updateSyncState(this.o.db, (s) => ({ ...s, upgradeRequired: null }));
        status.set({ lastSyncAt: now, lastError: null, upgradeRequired: null });
      }
    } catch (thrown) {
      const error = toStoreError(thrown);
      report.error = error;
      if (error.code === 'unauthorized') {
        const refused = (error.details as { token?: string | null } | undefined)?.token;
        this.rejectedToken = refused === undefined ? token : refused;
        report.skipped = 'auth-paused';
        status.set({ authPaused: true });
      }
      if (error.code === 'upgrade_required') {
        // This version of the app is no longer served: the app updates, the outbox stays
        // (docs/sync-protocol.md, "Versions").
        const minimumProtocol = (error.details as { details?: { minimumProtocol?: unknown } } | undefined)
          ?.details?.minimumProtocol;
        const upgradeRequired = {
          minimumProtocol: typeof minimumProtocol === 'number' ? minimumProtocol : null,
        };
        const at = this.o.clock.now();
        await updateSyncState(this.o.db, (s) => ({
          ...s,
          upgradeRequired: { at, ...upgradeRequired },
        })).catch(() => undefined);
        status.set({ upgradeRequired });
      }
      status.set({ lastError: error });
    } finally {
      report.requests = transport.requestCount - before;
      status.set({ syncing: false, pullProgress: null });
      await this.o.refreshCounts().catch(() => undefined);
      await this.scheduleRetry().catch(() => undefined);
    }
    return report;
  }

  private async steps(
    options: SyncRunOptions,
    signal: AbortSignal,
    report: SyncReport,
    author: OutboxAuthor | null,
  ): Promise<void> {
    const { db, clock } = this.o;
    await resetInProgress(db);
    if (options.resetBackoff) await resetBackoff(db, clock.now());
    const pushed = { pushed: 0, conflicts: 0, failed: 0 };
    try {
      await pushAll(
        {
          db,
          transport: this.o.transport,
          clock,
          random: this.o.random,
          backoff: this.o.backoff,
          clientId: personalClientId(this.o.clientId, author),
          batchSize: this.o.pushBatchSize,
          signal,
          withQuota: this.o.withQuota,
          author,
        },
        { ignoreBackoff: Boolean(options.ignoreBackoff || options.resetBackoff) },
        pushed,
      );
    } finally {
      report.pushed += pushed.pushed;
      report.conflicts += pushed.conflicts;
      report.failed += pushed.failed;
    }
    await this.o.refreshCounts();
    if (options.pullAfterEcho && report.pushed > 0 && !options.fullRefresh) {
      report.pullDeferred = true;
      return;
    }
    const pulled = await pullAll(
      {
        db,
        transport: this.o.transport,
        clock,
        pageSize: this.o.pullPageSize,
        author,
        signal,
        withQuota: this.o.withQuota,
        onProgress: (progress) => this.o.status.set({ pullProgress: progress }),
      },
      { fullRefresh: options.fullRefresh ?? false },
    );
    report.pulled += pulled.pulled;
    report.fullRefresh = pulled.fullRefresh;
    await purgeSynced(db, {
      now: clock.now(),
      syncedRetentionMs: this.o.syncedRetentionMs,
      conflictRetentionMs: CONFLICT_RETENTION_MS,
    });
  }

  /** Wakes up sync when the earliest backed-off change becomes due. */
  private async scheduleRetry(): Promise<void> {
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (!this.o.autoRetry || this.closed) return;
    const failed = await this.o.db._outbox.where('status').equals('failed').toArray();
    const due = failed.map((e) => e.nextAttemptAt).filter((t): t is number => typeof t === 'number');
    if (due.length === 0) return;
    const wait = Math.max(0, Math.min(...due) - this.o.clock.now());
    this.retryTimer = this.o.clock.setTimeout(() => void this.sync(), wait);
  }
}

/**
 * Entries left `in_progress` by a run that never finished (the app closed, the tab froze) go
 * back to `pending`. Only called while holding the sync lock, so no live run owns them.
 */
export async function resetInProgress(db: WampumsOfflineDB): Promise<number> {
  return db._outbox.where('status').equals('in_progress').modify({ status: 'pending' });
}

/**
 * Changes that failed on the network (they have a next attempt) become due now with their
 * retry count back to zero: after a person's "sync now", a new failure waits the first backoff
 * delay, not the longest. Refused changes (no next attempt) are left for the person to retry.
 */
export async function resetBackoff(db: WampumsOfflineDB, now: number): Promise<number> {
  return db._outbox
    .where('status')
    .equals('failed')
    .modify((entry) => {
      if (typeof entry.nextAttemptAt !== 'number') return;
      entry.retryCount = 0;
      entry.nextAttemptAt = now;
    });
}
