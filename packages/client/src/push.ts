import {
  type EntityType,
  type OutboxAuthor,
  PUSH_LIMITS,
  type PushChange,
  type PushResult,
  SYNC_META_KEYS,
} from '@wampums/schema';
import { type BackoffOptions, backoffDelay, delayHonouringServer } from './backoff';
import type { Clock } from './clock';
import type { ClientOutboxEntry } from './coalesce';
import { settlePushConflict } from './conflicts';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { PushQueue } from './dependencies';
import { OfflineStoreError } from './errors';
import { type Rekey, rekeyMany } from './id-remap';
import { rebase, UNSYNCED_STATUSES } from './rebase';
import { updateSyncState } from './sync-state';
import { clearPushMeasures, measured, PUSH_PHASES } from './timeline';
import { isRetryable, serverRetryAfterMs, type Transport, toStoreError } from './transport';
import { putInChunks, UnsyncedIndex } from './unsynced-index';

export interface PushContext {
  db: WampumsOfflineDB;
  transport: Transport;
  clock: Clock;
  random: () => number;
  backoff: BackoffOptions;
  clientId: string;
  batchSize: number;
  signal: AbortSignal;
  withQuota<T>(write: () => Promise<T>): Promise<T>;
  /**
   * The person this push sends for: only their changes (and those of no known author) go, under
   * their token. `undefined`: every change (a device nobody signed in on, tests).
   */
  author?: OutboxAuthor | null;
}

export interface PushOutcome {
  pushed: number;
  conflicts: number;
  failed: number;
}

/** The wire form of an outbox entry. */
export function toPushChange(entry: ClientOutboxEntry): PushChange {
  return {
    correlationId: entry.correlationId,
    entityType: entry.entityType,
    operation: entry.operation,
    entityId: entry.entityId,
    tempId: entry.tempId,
    timestamp: entry.timestamp,
    ...(entry.fieldTimes && entry.payload ? { fieldTimestamps: entry.fieldTimes } : {}),
    baseUpdatedAt: entry.operation === 'create' ? null : (entry.baseUpdatedAt ?? null),
    payload: entry.payload,
    dependencies: entry.dependencies,
  };
}

/**
 * Pushes every due change, batch after batch (oldest first, each request in the seed's order),
 * until nothing more can go. Throws the error that stopped it (network, 401...), after recording
 * it on the entries and settling the answers already received.
 *
 * The unsynced entries are read once; from then on each batch reads only what it needs (the
 * entries written since, the entries it sends, and those its answer settles or rewrites), so a
 * large outbox drains in time proportional to its size. Each answer is settled while the next
 * request is on the wire.
 */
export async function pushAll(
  ctx: PushContext,
  options: { ignoreBackoff: boolean },
  /** Counts as they happen: still filled when the push stops on an error. */
  outcome: PushOutcome = { pushed: 0, conflicts: 0, failed: 0 },
): Promise<PushOutcome> {
  let limit = Math.min(ctx.batchSize, PUSH_LIMITS.maxChanges);
  clearPushMeasures();
  const queue = await loadQueue(ctx);
  await resolveMappedDependencies(ctx, queue);
  /** An answer received, not yet settling. */
  let answered: Answered | null = null;
  /** The previous answer, settling while the next request is on the wire. */
  let settling: Promise<PushOutcome> | null = null;
  const settle = (answer: Answered) => {
    const applying = measured(
      PUSH_PHASES.settle,
      ctx.withQuota(() => applyResults(ctx, queue, answer.sent, answer.results, answer.clockOffsetMs)),
    );
    // Awaited later (`settled`): a failure meanwhile is not an unhandled rejection.
    applying.catch(() => undefined);
    return applying;
  };
  /** Waits for the settling answer; true when it held only skipped changes. */
  const settled = async (): Promise<boolean> => {
    if (!settling) return false;
    const current = settling;
    settling = null;
    const s = await current;
    outcome.pushed += s.pushed;
    outcome.conflicts += s.conflicts;
    outcome.failed += s.failed;
    return s.pushed + s.conflicts + s.failed === 0;
  };

  try {
    for (;;) {
      if (ctx.signal.aborted) {
        if (answered) settling = settle(answered);
        answered = null;
        await settled();
        ctx.signal.throwIfAborted();
      }
      const now = ctx.clock.now();
      // Marked before sending: if the app dies now, the next start finds them in progress and
      // sends them again with the same correlation ids, which the server deduplicates. Picked
      // before the previous answer settles, so that it settles while this request is on the
      // wire: its changes are still in progress (later changes of their records wait), and the
      // records it created are known to the server, which maps their temp ids in the children
      // sent now.
      const created: Set<string> | undefined = answered ? createdBy(answered) : undefined;
      const marking: Promise<ClientOutboxEntry[] | null> = measured(
        PUSH_PHASES.mark,
        ctx.withQuota(() =>
          nextBatch(ctx, queue, {
            now,
            limit,
            ignoreBackoff: options.ignoreBackoff,
            created,
            author: ctx.author,
          }),
        ),
      );
      if (answered) settling = settle(answered);
      answered = null;
      const sending: ClientOutboxEntry[] | null = await marking;
      if (sending === null) continue;
      if (sending.length === 0) {
        // Nothing more until the previous answer settles, which may let its dependents go.
        if (!settling) return outcome;
        // Only skipped changes: the next round would send the same thing again.
        if (await settled()) return outcome;
        continue;
      }

      const request = ctx.transport.push(
        // sentAt: the server measures this device's clock offset from it (edit times).
        { clientId: ctx.clientId, changes: sending.map(toPushChange), sentAt: ctx.clock.now() },
        ctx.signal,
        ctx.author,
      );
      // Handled below, once the previous answer has settled.
      request.catch(() => undefined);
      const skippedOnly = await settled();
      let answer: Awaited<ReturnType<Transport['push']>>;
      try {
        answer = await measured(PUSH_PHASES.answer, request);
      } catch (thrown) {
        const error = toStoreError(thrown);
        if (error.code === 'payload_too_large' && sending.length > 1) {
          await markBack(ctx, queue, sending);
          limit = Math.max(1, Math.floor(sending.length / 2));
          continue;
        }
        if (error.code === 'unauthorized' || error.code === 'upgrade_required') {
          // Nothing of a refused request was applied: the changes wait, untouched, for a new token
          // or for the app's update (docs/sync-protocol.md, "Versions").
          await markBack(ctx, queue, sending);
          throw error;
        }
        if (ctx.signal.aborted) {
          // The request may have been applied before it was aborted: `sentAt` stays, so that
          // pulls keep bringing this device's own rows until the answer is known.
          await markBack(ctx, queue, sending, { maybeApplied: true });
          throw error;
        }
        await markFailed(ctx, sending, error);
        outcome.failed += sending.length;
        throw error;
      }

      if (answer.unknownResults) {
        const unknown = answer.unknownResults;
        await updateSyncState(ctx.db, (s) => ({ ...s, unknownPushResults: s.unknownPushResults + unknown }));
      }
      const { results, serverTime } = answer.data;
      if (results.length !== sending.length) {
        const error = new OfflineStoreError(
          'invalid_response',
          'push answered a different number of results',
        );
        await markFailed(ctx, sending, error);
        throw error;
      }
      answered = { sent: sending, results, clockOffsetMs: Date.parse(serverTime) - answer.sentMidpoint };
      if (skippedOnly) {
        settling = settle(answered);
        answered = null;
        await settled();
        return outcome;
      }
    }
  } finally {
    // Stopped by an error: what was answered is still settled, so it is not sent again.
    if (settling) await settled().catch(() => undefined);
    if (answered) {
      settling = settle(answered);
      await settled().catch(() => undefined);
    }
  }
}

/**
 * The local ids of the entries an answer may change: the ones sent, every entry of their
 * records (under their temp ids and their server ids), and every entry naming their temp ids.
 */
function entriesConcerned(queue: PushQueue, sent: ClientOutboxEntry[], results: PushResult[]): Set<number> {
  const wanted = new Set<number>();
  const want = (ids: readonly number[]) => {
    for (const id of ids) wanted.add(id);
  };
  for (const [i, entry] of sent.entries()) {
    wanted.add(entry.localId as number);
    want(queue.idsOf(entry.entityType, entry.entityId));
    if (entry.operation === 'create') want(queue.idsNaming(entry.entityId as string));
    const result = results[i] as PushResult;
    if (result.status === 'applied' || result.status === 'duplicate')
      want(queue.idsOf(entry.entityType, result.serverId));
    else if (result.status === 'conflict' && result.serverEntity)
      want(queue.idsOf(entry.entityType, result.serverEntity.id as number));
  }
  return wanted;
}

/** The temp ids of the records an answer says the server created. */
function createdBy(answer: Answered): Set<string> {
  const created = new Set<string>();
  answer.results.forEach((result, i) => {
    const entry = answer.sent[i] as ClientOutboxEntry;
    if (
      entry.operation === 'create' &&
      entry.tempId &&
      (result.status === 'applied' || result.status === 'duplicate')
    )
      created.add(entry.tempId);
  });
  return created;
}

interface Answered {
  sent: ClientOutboxEntry[];
  results: PushResult[];
  clockOffsetMs: number;
}

/** Entries read per request when loading the outbox: small reads keep the page responsive. */
const READ_CHUNK = 250;

/**
 * Every unsynced entry, read in small ranges of local ids (one large read would block the page
 * while it is decoded), into the queue the push works through.
 */
async function loadQueue(ctx: PushContext): Promise<PushQueue> {
  const { db } = ctx;
  const queue = new PushQueue();
  // Taken before reading: an entry merged with an edit after this gets a timestamp at least this.
  queue.scannedAt = ctx.clock.now();
  await db.transaction('r', db._outbox, async () => {
    const last = await db._outbox.orderBy(':id').lastKey();
    const keys = (await db._outbox.where('status').anyOf(UNSYNCED_STATUSES).primaryKeys()).sort(
      (a, b) => a - b,
    );
    for (let i = 0; i < keys.length; ) {
      // A run of ids with few settled entries between them is read as one range.
      let j = i + 1;
      while (
        j < keys.length &&
        j - i < READ_CHUNK &&
        (keys[j] as number) - (keys[i] as number) < 2 * READ_CHUNK
      )
        j += 1;
      const entries = await db._outbox
        .where(':id')
        .between(keys[i] as number, keys[j - 1] as number, true, true)
        .toArray();
      for (const e of entries) queue.track(e);
      i = j;
    }
    queue.maxLocalId = Math.max(queue.maxLocalId, Number(last ?? 0));
  });
  return queue;
}

/**
 * Entries still waiting for a temp id that already has its server id (an edit merged into them
 * while the record's create was being settled, unseen because the device's clock went back)
 * would wait forever: like every other entry, they are given the server id.
 */
async function resolveMappedDependencies(ctx: PushContext, queue: PushQueue): Promise<void> {
  const { db } = ctx;
  const created = new Set<string>();
  const waitedFor = new Map<string, EntityType>();
  for (const e of queue.all()) {
    if (e.operation === 'create' && e.tempId) created.add(e.tempId);
    for (const d of e.dependencies) waitedFor.set(d.tempId, d.entityType);
  }
  const orphans = [...waitedFor.keys()].filter((t) => !created.has(t));
  if (orphans.length === 0) return;
  const written = await ctx.withQuota(() =>
    db.transaction('rw', db.tables, async () => {
      const mapped = await db._idMap.where('tempId').anyOf(orphans).toArray();
      const items: Rekey[] = mapped
        .filter((m) => waitedFor.get(m.tempId) === m.entityType)
        .map((m) => ({ type: m.entityType, fromId: m.tempId, toId: m.serverId, serverRow: null }));
      if (items.length === 0) return [];
      const ids = [...new Set(items.flatMap((i) => queue.idsNaming(i.fromId as string)))];
      const fresh = (await db._outbox.bulkGet(ids)).flatMap((e) => (e ? [e as ClientOutboxEntry] : []));
      const index = UnsyncedIndex.of(fresh.filter((e) => UNSYNCED_STATUSES.includes(e.status)));
      await rekeyMany(db, index, items, ctx.clock.now());
      return (await index.flush(db)).written;
    }),
  );
  for (const e of written) queue.track(e);
}

/**
 * Picks the next batch and marks it in progress, in one transaction that first reads the entries
 * written since the last look (this tab or another: the lock keeps other pushes out, not
 * writes), and reads the picked entries again: one changed since the queue read it (an edit
 * merged into it, a discard) is taken as it now is, nothing is marked, and `null` asks for a new
 * pick. Returns the entries as sent; none when nothing can go.
 */
async function nextBatch(
  ctx: PushContext,
  queue: PushQueue,
  options: {
    now: number;
    limit: number;
    ignoreBackoff: boolean;
    created: ReadonlySet<string> | undefined;
    author: OutboxAuthor | null | undefined;
  },
): Promise<ClientOutboxEntry[] | null> {
  const { db } = ctx;
  const result = await db.transaction('rw', db._outbox, async () => {
    const newer = await db._outbox.where(':id').above(queue.maxLocalId).toArray();
    for (const e of newer) queue.track(e);
    const batch = queue.select(options);
    if (batch.length === 0) return { batch, current: [], sending: [] };
    const fresh = new Set(newer.map((e) => e.localId));
    const ids = batch.filter((e) => !fresh.has(e.localId)).map((e) => e.localId as number);
    const read = new Map(ids.map((id, n) => [id, n]));
    const current = await db._outbox.bulkGet(ids);
    const changed = batch.some((e) => {
      const n = read.get(e.localId as number);
      if (n === undefined) return false;
      const c = current[n];
      return !c || !sameEntry(c, e);
    });
    if (changed) {
      for (const [id, n] of read) {
        const c = current[n];
        if (c) queue.track(c);
        else queue.forget(id);
      }
      return { batch, current, sending: null };
    }
    const sending = batch.map((e) => ({ ...e, status: 'in_progress' as const, sentAt: options.now }));
    await putInChunks(db._outbox, sending);
    return { batch, current, sending };
  });
  // Committed: the queue holds them as sent.
  for (const e of result.sending ?? []) queue.track(e);
  return result.sending;
}

function sameEntry(a: ClientOutboxEntry, b: ClientOutboxEntry): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The server's row of an applied or duplicate change. A duplicate's first answer may be old: its
 * `current` row (`null` once deleted) is what the server holds now, and the device may have
 * missed its later changes in pulls while it knew the record only by its temp id.
 */
function answeredRow(result: Extract<PushResult, { status: 'applied' | 'duplicate' }>): StoredRecord | null {
  const row = result.status === 'duplicate' && result.current !== undefined ? result.current : result.entity;
  return (row ?? null) as StoredRecord | null;
}
/**
 * Settles one push answer in one transaction: entries, records, id mappings and conflicts. It
 * reads only the entries the answers concern, as they are now: the ones sent, every entry of
 * their records, every entry naming their temp ids, and the entries written or merged with an
 * edit since the queue last looked (a new change may name a record that just got its id).
 */
async function applyResults(
  ctx: PushContext,
  queue: PushQueue,
  sent: ClientOutboxEntry[],
  results: PushResult[],
  clockOffsetMs: number,
): Promise<PushOutcome> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const settled = await db.transaction('rw', db.tables, async () => {
    const outcome: PushOutcome = { pushed: 0, conflicts: 0, failed: 0 };
    await db._syncMeta.put({ key: SYNC_META_KEYS.clockOffset, value: clockOffsetMs });
    // Looked up once the transaction runs: the queue then holds every entry read before it.
    const wanted = entriesConcerned(queue, sent, results);
    const scannedAt = ctx.clock.now();
    const newer = await db._outbox.where(':id').above(queue.maxLocalId).toArray();
    const edited = await db._outbox.where('timestamp').aboveOrEqual(queue.scannedAt).toArray();
    const seen = new Set([...newer, ...edited].map((e) => e.localId as number));
    const ids = [...wanted].filter((id) => !seen.has(id));
    const known = await db._outbox.bulkGet(ids);
    const read = [...known.flatMap((e) => e ?? []), ...newer, ...edited] as ClientOutboxEntry[];
    const gone = ids.filter((_, n) => known[n] === undefined);
    const index = UnsyncedIndex.of(read.filter((e) => UNSYNCED_STATUSES.includes(e.status)));

    const created: Rekey[] = [];
    for (const [i, result] of results.entries()) {
      const sentEntry = sent[i] as ClientOutboxEntry;
      const entry = index.get(sentEntry.localId as number) ?? sentEntry;
      switch (result.status) {
        case 'applied':
        case 'duplicate': {
          outcome.pushed += 1;
          index.put({ ...entry, status: 'synced', syncedAt: now, serverResponse: result, lastError: null });
          const row = answeredRow(result);
          const gone = row === null && entry.operation !== 'delete';
          if (entry.operation === 'create') {
            // Mapped all together after the loop: one query per store for the whole batch.
            created.push({
              type: entry.entityType,
              fromId: entry.entityId,
              toId: result.serverId,
              serverRow: row,
              created: result.status === 'applied',
              gone,
            });
            break;
          }
          if (gone) {
            // Deleted on the server since this change was applied (its first answer was lost).
            index.observeServerRow(entry.entityType, result.serverId, null);
            const record = rebase(null, index.pendingFor(entry.entityType, entry.entityId));
            if (!record) await db.entity(entry.entityType).delete(result.serverId);
            break;
          }
          if (entry.operation === 'update' && row) {
            const record = rebase(row, index.pendingFor(entry.entityType, entry.entityId));
            if (record) await db.entity(entry.entityType).put(record);
          }
          index.rebaseOnto(entry.entityType, result.serverId, row);
          break;
        }
        case 'conflict':
          outcome.conflicts += 1;
          await settlePushConflict({ db, index, now, clockOffsetMs }, entry, result);
          break;
        case 'rejected':
          // Retrying the same change cannot succeed: it waits for a person (retry, edit, discard).
          outcome.failed += 1;
          index.put({
            ...entry,
            status: 'failed',
            retryCount: entry.retryCount + 1,
            lastError: result.error,
            serverResponse: result,
            nextAttemptAt: undefined,
            sentAt: null,
          });
          break;
        case 'skipped':
          // Its parent was not applied: it stays pending behind it.
          index.put({ ...entry, status: 'pending', serverResponse: result, sentAt: null });
          break;
      }
    }
    await rekeyMany(db, index, created, now);
    for (const c of created) {
      if (c.gone) index.observeServerRow(c.type, c.toId, null);
      else index.rebaseOnto(c.type, c.toId, c.serverRow);
    }
    const flushed = await index.flush(db);
    return { outcome, read, gone, flushed, scannedAt };
  });

  // Committed: the queue takes every entry as the transaction left it.
  for (const e of settled.read) queue.track(e);
  for (const id of settled.gone) queue.forget(id);
  for (const e of settled.flushed.written) queue.track(e);
  for (const id of settled.flushed.removed) queue.forget(id);
  queue.scannedAt = settled.scannedAt;
  return settled.outcome;
}

/**
 * Gives sent entries a new status after their request failed, on the entries as they now are:
 * the previous answer, settled meanwhile, may have given their foreign keys server ids.
 */
async function remark(
  ctx: PushContext,
  entries: ClientOutboxEntry[],
  change: (entry: ClientOutboxEntry) => ClientOutboxEntry,
): Promise<ClientOutboxEntry[]> {
  const { db } = ctx;
  return db.transaction('rw', db._outbox, async () => {
    const current = await db._outbox.bulkGet(entries.map((e) => e.localId as number));
    const next = current.flatMap((e) => (e ? [change(e)] : []));
    await putInChunks(db._outbox, next);
    return next;
  });
}

async function markBack(
  ctx: PushContext,
  queue: PushQueue,
  entries: ClientOutboxEntry[],
  { maybeApplied = false } = {},
): Promise<void> {
  const back = await remark(ctx, entries, (e) => ({
    ...e,
    status: 'pending',
    sentAt: maybeApplied ? e.sentAt : null,
  }));
  for (const e of back) queue.track(e);
}

/** A failed request: each entry counts a retry and waits out its backoff (unless the failure is final). */
async function markFailed(ctx: PushContext, entries: ClientOutboxEntry[], error: OfflineStoreError) {
  const now = ctx.clock.now();
  const retryable = isRetryable(error);
  const serverAskedMs = serverRetryAfterMs(error);
  await remark(ctx, entries, (e) => {
    const retryCount = e.retryCount + 1;
    return {
      ...e,
      status: 'failed' as const,
      retryCount,
      lastError: { code: error.code, message: error.message },
      // `sentAt` stays: the server may have applied the request before the answer was lost.
      // Never sooner than the server's `Retry-After` (a 429 or 503 under load).
      nextAttemptAt: retryable
        ? now + delayHonouringServer(backoffDelay(retryCount, ctx.random, ctx.backoff), serverAskedMs)
        : undefined,
    };
  });
}
