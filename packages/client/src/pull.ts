import {
  DELETE_ORDER,
  ENTITY_TYPES,
  type EntityType,
  FULL_REFRESH_AFTER_MS,
  isTempId,
  type OutboxAuthor,
  type PulledChange,
  SYNC_META_KEYS,
  UPSERT_ORDER,
} from '@wampums/schema';
import { personalClientId } from './authors';
import { type Clock, yieldToEventLoop } from './clock';
import { measuredOffset, storeClockOffset } from './clock-offset';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { rebase, UNSYNCED_STATUSES } from './rebase';
import { noteServerRows, type ServerObservation } from './server-shadow';
import { REFRESH_IN_PROGRESS_KEY } from './sync-meta';
import { updateSyncState } from './sync-state';
import type { Transport } from './transport';
import type { PullProgress } from './types';
import { putInChunks, UnsyncedIndex } from './unsynced-index';

export { REFRESH_IN_PROGRESS_KEY } from './sync-meta';

export interface PullContext {
  db: WampumsOfflineDB;
  transport: Transport;
  clock: Clock;
  pageSize: number;
  /** The signed-in person: the pull's `clientId` is theirs on this device. */
  author?: OutboxAuthor | null;
  signal: AbortSignal;
  onProgress(progress: PullProgress | null): void;
  withQuota<T>(write: () => Promise<T>): Promise<T>;
  /** Lets the event loop breathe between pages. */
  yield?: () => Promise<void>;
}

export interface PullOutcome {
  pulled: number;
  fullRefresh: boolean;
}

async function meta<T>(db: WampumsOfflineDB, key: string): Promise<T | undefined> {
  return (await db._syncMeta.get(key))?.value as T | undefined;
}

/**
 * Pulls every change since the saved cursor, page after page. Each page is stored in one
 * transaction together with its cursor, so a crash never skips or half-applies a page. Without
 * a cursor, when the last pull is older than 14 days or when the server asks for it, the pull is
 * a full refresh: a fresh snapshot replaces the entity stores, and the outbox stays.
 *
 * Outside a full refresh the pull sends this device's `clientId`: the server leaves out the rows
 * whose current version came back in this device's own push answers (already stored by the
 * push). Not while a change waits whose request went without an answer (`sentAt` kept): the
 * server may have applied it, and if the person then discards it, the pulled row is the only
 * copy of the server's version this device gets. A full refresh sends none either: the rows a
 * snapshot does not bring are removed.
 */
export async function pullAll(ctx: PullContext, options: { fullRefresh: boolean }): Promise<PullOutcome> {
  const { db, clock } = ctx;
  let cursor = (await meta<string>(db, SYNC_META_KEYS.cursor)) ?? null;
  const lastPullAt = await meta<number>(db, SYNC_META_KEYS.lastPullAt);
  const deviceId = (await anyUnanswered(db))
    ? null
    : ((await meta<string>(db, SYNC_META_KEYS.clientId)) ?? null);
  const clientId = deviceId === null ? null : personalClientId(deviceId, ctx.author);
  const stale = lastPullAt !== undefined && clock.now() - lastPullAt > FULL_REFRESH_AFTER_MS;
  let refreshing =
    options.fullRefresh ||
    cursor === null ||
    stale ||
    (await meta<boolean>(db, REFRESH_IN_PROGRESS_KEY)) === true;
  // The ids of the snapshot, per store: what is not among them is gone on the server.
  let seen: Map<EntityType, Set<number>> | null = null;
  const startRefresh = async () => {
    cursor = null;
    seen = new Map(ENTITY_TYPES.map((t) => [t, new Set<number>()]));
    await db._syncMeta.put({ key: REFRESH_IN_PROGRESS_KEY, value: true });
  };
  if (refreshing) await startRefresh();

  const progress: PullProgress = { pages: 0, changes: 0, fullRefresh: refreshing };
  ctx.onProgress({ ...progress });
  try {
    for (;;) {
      ctx.signal.throwIfAborted();
      const startedAt = clock.now();
      const page = await ctx.transport.pull(cursor, ctx.pageSize, ctx.signal, refreshing ? null : clientId);
      if (page.skipped) {
        // Changes of a later version of the protocol: the types this client knows keep syncing.
        const skipped = page.skipped;
        await updateSyncState(db, (s) => ({ ...s, skippedPullChanges: s.skippedPullChanges + skipped }));
      }
      const offset = measuredOffset(page.serverTime, startedAt, clock.now());
      if (offset !== null) await storeClockOffset(db, offset);
      if (page.fullRefresh && !refreshing) {
        // The server cannot honour our cursor (too old, another role, a rotated secret, another
        // or restored database: docs/sync-protocol.md, "Recovery"): start over from a snapshot,
        // the outbox kept.
        const reason = page.fullRefreshReason ?? 'expired';
        await updateSyncState(db, (s) => ({ ...s, lastFullRefresh: { at: clock.now(), reason } }));
        refreshing = true;
        progress.fullRefresh = true;
        await startRefresh();
        continue;
      }
      await ctx.withQuota(() => applyPage(db, page.changes, page.cursor, seen));
      progress.pages += 1;
      progress.changes += page.changes.length;
      ctx.onProgress({ ...progress });
      cursor = page.cursor;
      if (!page.hasMore) break;
      await (ctx.yield ?? yieldToEventLoop)();
    }
    if (refreshing && seen) await sweep(db, seen);
    await db._syncMeta.bulkPut([
      { key: SYNC_META_KEYS.lastPullAt, value: clock.now() },
      { key: REFRESH_IN_PROGRESS_KEY, value: false },
    ]);
    return { pulled: progress.changes, fullRefresh: refreshing };
  } finally {
    ctx.onProgress(null);
  }
}

/** True when an unsynced change was sent and never answered: the server may have applied it. */
async function anyUnanswered(db: WampumsOfflineDB): Promise<boolean> {
  const unanswered = await db._outbox
    .where('status')
    .anyOf(UNSYNCED_STATUSES)
    .filter((entry) => (entry as { sentAt?: number | null }).sentAt != null)
    .first();
  return unanswered !== undefined;
}

/** Stores one page and its cursor in one transaction; pending local changes stay on top. */
async function applyPage(
  db: WampumsOfflineDB,
  changes: PulledChange[],
  cursor: string,
  seen: Map<EntityType, Set<number>> | null,
): Promise<void> {
  const upserts = new Map<EntityType, StoredRecord[]>();
  const deletes = new Map<EntityType, number[]>();
  for (const change of changes) {
    if (change.op === 'upsert') {
      const list = upserts.get(change.entityType) ?? [];
      list.push({ ...change.entity, id: change.id });
      upserts.set(change.entityType, list);
      seen?.get(change.entityType)?.add(change.id);
    } else {
      const list = deletes.get(change.entityType) ?? [];
      list.push(change.id);
      deletes.set(change.entityType, list);
      seen?.get(change.entityType)?.delete(change.id);
    }
  }
  await db.transaction('rw', db.tables, async () => {
    const index = await UnsyncedIndex.load(db);
    const pending = index.pendingKeys();
    // What the server now holds of records with unsynced changes: settling those changes later
    // puts this back, since the cursor moves past it.
    const seenPending: ServerObservation[] = [];
    for (const type of UPSERT_ORDER) {
      const rows = upserts.get(type);
      if (!rows) continue;
      const put = rows.flatMap((row) => {
        if (!pending.has(`${type}:${row.id}`)) return [row];
        seenPending.push({ type, id: row.id as number, row });
        // Never overwrite a pending edit: replay it on the pulled row instead.
        const rebased = rebase(row, index.pendingFor(type, row.id));
        return rebased ? [rebased] : [];
      });
      // In chunks: one `bulkPut` of a whole page encodes every row in one task of the page.
      await putInChunks(db.entity(type), put);
    }
    for (const type of DELETE_ORDER) {
      const ids = deletes.get(type);
      if (!ids) continue;
      for (const id of ids) if (pending.has(`${type}:${id}`)) seenPending.push({ type, id, row: null });
      await db.entity(type).bulkDelete(ids);
    }
    if (seenPending.length > 0) {
      await noteServerRows(db, index, seenPending);
      await index.flush(db);
    }
    await db._syncMeta.put({ key: SYNC_META_KEYS.cursor, value: cursor });
  });
}

/** After a full snapshot: removes rows the server no longer has, except unsynced local ones. */
async function sweep(db: WampumsOfflineDB, seen: Map<EntityType, Set<number>>): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    const index = await UnsyncedIndex.load(db);
    const pending = index.pendingKeys();
    // Records with unsynced changes stay, but the snapshot says the server no longer has them.
    const gonePending: ServerObservation[] = [];
    for (const entry of index.all()) {
      const { entityType: type, entityId: id } = entry;
      if (!isTempId(id) && !(seen.get(type)?.has(id as number) ?? true))
        gonePending.push({ type, id: id as number, row: null });
    }
    for (const type of DELETE_ORDER) {
      const keep = seen.get(type) ?? new Set<number>();
      const keys = (await db.entity(type).toCollection().primaryKeys()) as (number | string)[];
      const gone = keys.filter(
        (id) => !isTempId(id) && !keep.has(id as number) && !pending.has(`${type}:${id}`),
      );
      if (gone.length > 0) await db.entity(type).bulkDelete(gone);
    }
    if (gonePending.length > 0) {
      await noteServerRows(db, index, gonePending);
      await index.flush(db);
    }
  });
}
