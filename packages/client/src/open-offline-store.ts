import { OFFLINE_DB_NAME, type OutboxAuthor, type OutboxEntry, SYNC_META_KEYS } from '@wampums/schema';
import { waitingForOthers } from './authors';
import { DEFAULT_BACKOFF } from './backoff';
import { systemClock } from './clock';
import { resolveUserConflict } from './conflicts';
import { globalConnectivity } from './connectivity';
import { WampumsOfflineDB } from './db';
import { globalEventSource, LiveEvents } from './live-events';
import { live } from './live-query';
import { trackLocalCommits } from './local-commits';
import { discardEntry, listOutbox, retryEntry } from './outbox';
import { createQuotaGuard } from './quota';
import { UNSYNCED_STATUSES } from './rebase';
import { Repository } from './repository';
import { NO_FAILURES, retryFigures } from './retry-status';
import { loadSealingState } from './sealing';
import { OutboxCounter, StatusStore, watchOutbox, watchStore } from './status';
import { resetInProgress, SyncEngine } from './sync-engine';
import { createSyncLock, globalLocks } from './sync-lock';
import { HttpTransport, type Transport } from './transport';
import type { OfflineStore, OfflineStoreOptions } from './types';
import { randomUuid } from './uuid';

type User = OutboxAuthor;

/** Options only tests need: a transport of their own (fault injection). */
export interface InternalOptions {
  transport?: Transport;
}

/**
 * Opens the offline store of this device: the IndexedDB database (upgraded in place if an
 * older version is there), changes left in progress by a closed app queued again, and, unless
 * `autoSync: false`, sync started (live server events, periodic pull, retries, `online`).
 */
export async function openOfflineStore(
  options: OfflineStoreOptions & InternalOptions,
): Promise<OfflineStore> {
  const clock = options.clock ?? systemClock;
  const db = new WampumsOfflineDB(options.dbName ?? OFFLINE_DB_NAME, options);
  const committedHere = trackLocalCommits(db);
  // Another tab (or an old service worker) holding an older version open blocks the upgrade
  // until it closes: the app tells the person (docs/architecture.md, "Schema versions").
  if (options.onUpgradeBlocked) db.on('blocked', () => options.onUpgradeBlocked?.());
  // A newer version opened elsewhere: close at once (Dexie's default too) so its upgrade is not
  // blocked, and say so; every committed change is in the database for the newer version.
  let replaced = false;
  let onReplaced = () => {
    replaced = true;
  };
  db.on('versionchange', () => {
    db.close();
    onReplaced();
    return false;
  });
  await db.open();
  // Locked by another context or an earlier run: refuse clear writes here too (`sealing.ts`).
  await loadSealingState(db);
  await db._syncMeta.put({ key: SYNC_META_KEYS.schemaVersion, value: db.verno });

  const meta = async <T>(key: string) => (await db._syncMeta.get(key))?.value as T | undefined;
  let clientId = await meta<string>(SYNC_META_KEYS.clientId);
  if (!clientId) {
    clientId = randomUuid();
    await db._syncMeta.put({ key: SYNC_META_KEYS.clientId, value: clientId });
  }
  let user: User | null = options.user ?? (await meta<User>(SYNC_META_KEYS.session)) ?? null;
  if (options.user) await db._syncMeta.put({ key: SYNC_META_KEYS.session, value: options.user });

  const connectivity = options.connectivity ?? globalConnectivity();
  const status = new StatusStore({
    replacedByNewerVersion: replaced,
    online: connectivity.isOnline(),
    lastSyncAt: (await meta<number>(SYNC_META_KEYS.lastSyncAt)) ?? null,
  });
  onReplaced = () => status.set({ replacedByNewerVersion: true });
  const cacheStorage =
    options.cacheStorage === undefined
      ? ((globalThis as { caches?: CacheStorage }).caches ?? null)
      : options.cacheStorage;
  const withQuota = createQuotaGuard({
    db,
    cacheStorage,
    now: () => clock.now(),
    warn: (message) => status.set({ quotaWarning: message }),
  });
  const transport =
    options.transport ??
    new HttpTransport({
      baseUrl: options.baseUrl,
      getToken: options.getToken,
      clock,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
  const lockLeaseMs = options.lockLeaseMs ?? 60_000;
  const lock =
    options.locks ??
    createSyncLock({ db, clock, leaseMs: lockLeaseMs, owner: randomUuid(), locks: globalLocks() });

  // One native IndexedDB count per status: `anyOf(...).count()` walks a cursor in JS, and
  // counting after every write made a week of offline writes quadratic (bench B1, B2): writes
  // here adjust the counts instead, and a count follows once the outbox is quiet.
  const countStatus = (value: OutboxEntry['status']) => db._outbox.where('status').equals(value).count();
  const counter = new OutboxCounter({
    status,
    clock,
    async count() {
      // Read side by side, as one moment of the outbox: a write adjusting the counts meanwhile
      // must not be overwritten by figures read before it (see `OutboxCounter`).
      const [waiting, counts] = await Promise.all([
        waitingForOthers(db, user),
        Promise.all(UNSYNCED_STATUSES.map(countStatus)),
      ]);
      const byStatus = new Map(UNSYNCED_STATUSES.map((s, i) => [s, counts[i] ?? 0]));
      // Failed entries are few (a refusal waits for a person; a network failure marks only the
      // batch on the wire): reading them is cheap, and only done when there are some.
      const failedCount = byStatus.get('failed') ?? 0;
      const retry =
        failedCount === 0
          ? NO_FAILURES
          : retryFigures(await db._outbox.where('status').equals('failed').toArray());
      return {
        ...retry,
        pendingCount: counts.reduce((a, b) => a + b, 0),
        failedCount: byStatus.get('failed') ?? 0,
        conflictCount: byStatus.get('conflict') ?? 0,
        waitingForOthers: waiting,
      };
    },
  });
  const refreshCounts = () => counter.refresh();

  const autoSync = options.autoSync ?? true;
  const engine = new SyncEngine({
    db,
    transport,
    clock,
    random: options.random ?? Math.random,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    clientId,
    pushBatchSize: options.pushBatchSize ?? 200,
    pullPageSize: options.pullPageSize ?? 500,
    lock,
    status,
    connectivity,
    getToken: options.getToken,
    user: () => user,
    withQuota,
    syncedRetentionMs: options.syncedRetentionMs ?? 7 * 24 * 60 * 60 * 1000,
    refreshCounts,
    autoRetry: autoSync,
  });

  // A previous run that died mid-push left entries in progress: queue them again, unless a
  // live run elsewhere (another tab, the service worker) holds the lock and owns them.
  await lock.tryRun(() => resetInProgress(db)).catch(() => undefined);
  await refreshCounts();

  const cleanups: (() => void)[] = [];
  let writeTimer: unknown = null;
  /** The live stream is open: a server change, this device's own push included, is announced. */
  let liveConnected = false;
  /** Pulls when the echo of a push never came (the push changed nothing, the stream dropped). */
  let echoTimer: unknown = null;
  const ECHO_WAIT_MS = 3_000;
  const syncSoon = () => {
    if (!autoSync) return;
    clock.clearTimeout(writeTimer);
    writeTimer = clock.setTimeout(() => {
      // A local write: push now, and let the stream's echo of the push bring the pull, so that
      // one tap costs one push and one pull (docs/architecture.md, "Requests per change").
      void engine.sync({ pullAfterEcho: liveConnected }).then((report) => {
        if (!report.pullDeferred) return;
        clock.clearTimeout(echoTimer);
        echoTimer = clock.setTimeout(() => void engine.sync(), ECHO_WAIT_MS);
      });
    }, 50);
  };
  cleanups.push(() => clock.clearTimeout(echoTimer));

  const repository = new Repository({
    db,
    clock,
    user: () => user,
    withQuota: async (write) => {
      const result = await withQuota(write);
      return result;
    },
    afterWrite: (changes) => {
      counter.adjust(changes);
      syncSoon();
    },
  });

  // The outbox may change in another context (tab, service worker): keep the counts live. A
  // write of this context outside a sync adjusted the counts itself, or counts after it (a
  // conflict resolved, an entry retried): counting again would only hold up the next tap's write.
  // Writes of this context's sync are counted as they go, to show its progress.
  cleanups.push(
    watchOutbox(db.name, () => {
      if (!committedHere() || status.current.syncing) counter.refreshSoon();
    }),
  );
  cleanups.push(() => counter.close());
  // A sync run of another context (the service worker's Background Sync, another tab) records
  // its end in `_syncMeta`: the status shows it as this context's own "last sync".
  cleanups.push(
    watchStore(db.name, '_syncMeta', () => {
      if (committedHere()) return;
      void meta<number>(SYNC_META_KEYS.lastSyncAt).then(
        (at) => {
          if (typeof at === 'number' && at > (status.current.lastSyncAt ?? 0)) status.set({ lastSyncAt: at });
        },
        () => undefined,
      );
    }),
  );

  if (autoSync) {
    cleanups.push(
      connectivity.subscribe((online) => {
        status.set({ online });
        // Back online: send now, without waiting out the backoff of the failures it caused.
        if (online) void engine.sync({ ignoreBackoff: true });
      }),
    );
    const pollIntervalMs = options.pollIntervalMs ?? 30_000;
    let pollTimer: unknown = null;
    const poll = () => {
      clock.clearTimeout(pollTimer);
      pollTimer = clock.setTimeout(() => {
        void engine.sync().finally(poll);
      }, pollIntervalMs);
    };
    const stopPoll = () => {
      clock.clearTimeout(pollTimer);
      pollTimer = null;
    };
    const factory = options.eventSource === undefined ? globalEventSource() : options.eventSource;
    if (factory) {
      const events = new LiveEvents({
        baseUrl: options.baseUrl,
        getTicket: () => (transport.liveTicket ? transport.liveTicket() : Promise.resolve(null)),
        factory,
        clock,
        reconnectMs: 5_000,
        onChange: () => {
          clock.clearTimeout(echoTimer);
          void engine.sync();
        },
        onConnectedChange: (connected) => {
          liveConnected = connected;
          if (connected) stopPoll();
          else poll();
        },
      });
      events.start();
      cleanups.push(() => events.stop());
    }
    poll();
    cleanups.push(stopPoll);
    void engine.sync();
  }

  let closed = false;
  const store: OfflineStore = {
    db,
    create: (type, fields) => repository.create(type, fields),
    update: (type, id, patch) => repository.update(type, id, patch),
    remove: (type, id) => repository.remove(type, id),
    get: (type, id) => repository.get(type, id),
    query: (type, where, queryOptions) => repository.query(type, where, queryOptions),
    live,
    sync: (syncOptions) => engine.sync(syncOptions),
    async setUser(next) {
      const previous = user;
      user = next;
      if (next) await db._syncMeta.put({ key: SYNC_META_KEYS.session, value: next });
      else await db._syncMeta.delete(SYNC_META_KEYS.session);
      // A run started for the previous person sends their changes until it ends: wait for it.
      if (previous?.id !== next?.id) await engine.idle();
      await refreshCounts();
    },
    resumeAuth() {
      engine.clearAuthPause();
      return engine.sync({ ignoreBackoff: true });
    },
    status,
    conflicts: {
      async list(listOptions = {}) {
        const all = await db._conflicts.toArray();
        return all
          .filter((c) => (listOptions.all ? true : c.resolvedAt === null))
          .filter((c) => !listOptions.entityType || c.entityType === listOptions.entityType)
          .sort((a, b) => (b.id ?? 0) - (a.id ?? 0));
      },
      async resolve(conflictId, choice) {
        await resolveUserConflict(db, conflictId, choice, clock.now());
        await refreshCounts();
        syncSoon();
      },
      live: () => live(() => store.conflicts.list()),
    },
    outbox: {
      list: (listOptions) => listOutbox(db, listOptions?.status),
      async retry(localId) {
        await retryEntry(db, localId);
        await refreshCounts();
        syncSoon();
      },
      async discard(localId) {
        await discardEntry(db, localId);
        await refreshCounts();
      },
      live: () => live(() => listOutbox(db)),
    },
    async close() {
      if (closed) return;
      closed = true;
      clock.clearTimeout(writeTimer);
      for (const cleanup of cleanups) cleanup();
      engine.close();
      await engine.idle();
      db.close();
    },
  };
  return store;
}
