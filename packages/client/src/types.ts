import type { ConflictRecord, EntityType, OutboxAuthor, OutboxEntry } from '@wampums/schema';
import type { Clock } from './clock';
import type { IndexedDBDependencies, StoredRecord } from './db';
import type { OfflineStoreError } from './errors';
import type { EventSourceFactory } from './live-events';
import type { SyncLockProvider } from './sync-lock';
import type { TokenProvider } from './transport';

/** Online/offline signal of the running context (injectable for tests). */
export interface Connectivity {
  isOnline(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** Options of `openOfflineStore`. Only `baseUrl` and `getToken` are required. */
export interface OfflineStoreOptions extends IndexedDBDependencies {
  /** The server origin, e.g. `http://127.0.0.1:3000`; `/api/v1` is appended. */
  baseUrl: string;
  /**
   * The current access token (may refresh it); `null` when signed out. A push passes its
   * author (`forUser`): answer `null` unless the token is that person's.
   */
  getToken: TokenProvider;
  /**
   * The signed-in user: fills user fields of creates and the organization of local records, and
   * is recorded as the author of every change (`name` shows on the screens of other people).
   */
  user?: OutboxAuthor | null;
  fetch?: typeof globalThis.fetch;
  clock?: Clock;
  /** Database name (default `WampumsOfflineDB`); one per account: `offlineDbName(...)`. */
  dbName?: string;
  /** Cross-context mutual exclusion of sync (default: Web Locks, else a lease in `_syncMeta`). */
  locks?: SyncLockProvider;
  /** Opens the live change stream; `null` disables it (default: the global `EventSource`). */
  eventSource?: EventSourceFactory | null;
  connectivity?: Connectivity;
  /** Random numbers in [0, 1) for backoff jitter. */
  random?: () => number;
  /**
   * Start syncing by itself (live events, periodic pull, retries, `online` events). Default
   * `true`; tests and service workers that drive `sync()` themselves pass `false`.
   */
  autoSync?: boolean;
  /**
   * Called while another tab or an old service worker holds the database open at an older
   * version and blocks this one's upgrade (Dexie's `blocked`): the app asks the person to close
   * it. The upgrade goes on by itself once it closes.
   */
  onUpgradeBlocked?: () => void;
  /** Changes per push request (default 200, at most the server's 500). */
  pushBatchSize?: number;
  /** Changes per pull page (default 500). */
  pullPageSize?: number;
  /** Periodic pull when the live stream is down, ms (default 30 s). */
  pollIntervalMs?: number;
  /** How long synced outbox entries are kept for debugging, ms (default 7 days). */
  syncedRetentionMs?: number;
  /** Backoff of failed network attempts: first delay and cap, ms (default 1 s and 5 min). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A request unanswered after this long fails as a network error, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** How long one sync may hold the cross-context lock before it is considered frozen, ms (default 60 s). */
  lockLeaseMs?: number;
  /** The Cache Storage of API responses to purge when storage is full (default `globalThis.caches`). */
  cacheStorage?: CacheStorage | null;
}

/** What one `sync()` did. */
export interface SyncReport {
  /** Changes the server applied (or had already applied: duplicates). */
  pushed: number;
  /** Pulled changes stored locally. */
  pulled: number;
  /** Conflicts met (auto-resolved or left for a person). */
  conflicts: number;
  /** Changes the server rejected, or that failed on the network, in this run. */
  failed: number;
  /** HTTP requests made. */
  requests: number;
  /** Whether this run replaced the entity stores with a fresh snapshot. */
  fullRefresh: boolean;
  /** Why nothing (or not everything) ran, when it did not. */
  skipped: null | 'offline' | 'auth-paused' | 'locked' | 'closed';
  /** The error that stopped the run early (network, 401...). */
  error: OfflineStoreError | null;
  /** The run pushed and left its pull to the live stream's echo of the push (see `sync-engine`). */
  pullDeferred: boolean;
}

/** Progress of a long pull. */
export interface PullProgress {
  pages: number;
  changes: number;
  fullRefresh: boolean;
}

/** The sync status shown to the user; every change emits an event. */
export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  /** Outbox entries not yet synced (pending, in progress, failed or waiting in a conflict). */
  pendingCount: number;
  /** Entries rejected by the server or failing on the network (`refusedCount + retryingCount`). */
  failedCount: number;
  /** Entries the server refused: they wait for a person (retry, edit or undo). */
  refusedCount: number;
  /**
   * Entries that failed on the network or on a server error: kept on the device and sent again
   * by themselves at `nextRetryAt`, or at once when the device comes back online or a person
   * asks (`sync({ resetBackoff: true })`).
   */
  retryingCount: number;
  /** The most attempts made so far by one of the retrying entries (0 when none retries). */
  retryCount: number;
  /** Unix ms of the next automatic try of a retrying entry; `null` when none retries. */
  nextRetryAt: number | null;
  /** Conflicts waiting for a person. */
  conflictCount: number;
  /**
   * Unsynced changes of other people of this device, counted in `pendingCount` too: only their
   * author's session sends them. One item per author, most changes first.
   */
  waitingForOthers: WaitingChanges[];
  /** Unix ms of the last complete sync. */
  lastSyncAt: number | null;
  /** Set while pulling. */
  pullProgress: PullProgress | null;
  /** Set when storage ran full: the user should free space. */
  quotaWarning: string | null;
  /** True after a 401: nothing syncs until a new token. */
  authPaused: boolean;
  /** The last error of a sync run, if it failed. */
  lastError: OfflineStoreError | null;
  /**
   * Set when the server no longer serves this version of the app (426 `upgrade_required`): the
   * app must update; waiting changes stay and are sent by the updated app.
   */
  upgradeRequired: { minimumProtocol: number | null } | null;
  /**
   * True once another tab opened a newer version of the database: this one closed its
   * connection so that the upgrade is not blocked (its waiting changes are in the database and
   * the newer version sends them); the page must reload.
   */
  replacedByNewerVersion: boolean;
}

/** Changes of one other person of the device, waiting for that person to sign in. */
export interface WaitingChanges {
  authorId: number;
  /** The author's name as recorded with the changes (`null`: unknown). */
  authorName: string | null;
  count: number;
}

/** A value that updates itself: the Dexie `liveQuery` behind a small subscribe API. */
export interface LiveQuery<T> {
  /** Calls `next` now and after every change; returns the unsubscribe function. */
  subscribe(next: (value: T) => void, error?: (error: unknown) => void): () => void;
}

/** Filters on the seed's indexes: `{ participant_id: 3 }`, `{ participant_id: 3, date: '2026-07-14' }`. */
export type IndexQuery = Record<string, string | number | boolean | null>;

export interface QueryOptions {
  /** An indexed field to sort by (default: the index used, else `id`). */
  orderBy?: string;
  reverse?: boolean;
  limit?: number;
  offset?: number;
}

/** How a person settles a conflict: keep theirs, take the server's, or give merged fields. */
export type ConflictChoice = 'local' | 'server' | { fields: Record<string, unknown> };

export interface ConflictsApi {
  /** Conflicts waiting for a person (`all: true`: every recorded conflict, newest first). */
  list(options?: { all?: boolean; entityType?: EntityType }): Promise<ConflictRecord[]>;
  resolve(conflictId: number, choice: ConflictChoice): Promise<void>;
  /** Live list of conflicts waiting for a person. */
  live(): LiveQuery<ConflictRecord[]>;
}

export interface OutboxApi {
  /** Outbox entries, oldest first; by default the ones not yet synced. */
  list(options?: { status?: OutboxEntry['status'][] }): Promise<OutboxEntry[]>;
  /** Sends a failed entry again at the next sync (and resets its backoff). */
  retry(localId: number): Promise<void>;
  /**
   * Drops a pending or failed change and restores the record to the newest server version seen
   * (with its other unsynced changes on top; gone if the server deleted it).
   */
  discard(localId: number): Promise<void>;
  live(): LiveQuery<OutboxEntry[]>;
}

export interface StatusApi {
  readonly current: SyncStatus;
  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (status: SyncStatus) => void): () => void;
}

/** The offline store of one device: local reads and writes, and the sync engine. */
export interface OfflineStore {
  readonly db: import('./db').WampumsOfflineDB;
  /** Creates a record offline; resolves to it, with a temp id until it syncs. */
  create(type: EntityType, fields: Record<string, unknown>): Promise<StoredRecord>;
  /** Changes fields of a record; resolves to the record as stored. */
  update(type: EntityType, id: number | string, patch: Record<string, unknown>): Promise<StoredRecord>;
  remove(type: EntityType, id: number | string): Promise<void>;
  /** A record by id; a temp id keeps working after the record synced. */
  get(type: EntityType, id: number | string): Promise<StoredRecord | undefined>;
  /** Records matching indexed fields. */
  query(type: EntityType, where?: IndexQuery, options?: QueryOptions): Promise<StoredRecord[]>;
  /** A live query: re-runs `fn` whenever what it read changes (in any tab or the service worker). */
  live<T>(fn: () => Promise<T>): LiveQuery<T>;
  /**
   * Pushes pending changes, then pulls. A call made during a run gets the next run.
   * `fullRefresh`: replace the entity stores with a fresh snapshot (the outbox stays).
   * `ignoreBackoff`: also send changes whose network backoff has not passed yet.
   * `resetBackoff`: a person asked ("sync now"): changes failed on the network go now and their
   * backoff starts over, so a new failure waits the first delay, not the longest (implies
   * `ignoreBackoff`).
   */
  sync(options?: {
    fullRefresh?: boolean;
    ignoreBackoff?: boolean;
    resetBackoff?: boolean;
  }): Promise<SyncReport>;
  /**
   * Sets the signed-in user (kept in `_syncMeta` for the service worker): the author of the
   * changes made from now on, and the person whose changes sync sends. `null` (signed out or
   * locked): changes of a known author wait. Resolves once a sync run started for the previous
   * person has finished, so that the caller may then hand out the new person's token.
   */
  setUser(user: OutboxAuthor | null): Promise<void>;
  /** Resumes after a 401 once a new token is available, and syncs. */
  resumeAuth(): Promise<SyncReport>;
  readonly status: StatusApi;
  readonly conflicts: ConflictsApi;
  readonly outbox: OutboxApi;
  close(): Promise<void>;
}
