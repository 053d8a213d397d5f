import { PUSH_LIMITS, type PushChange, type PushResult, SYNC_META_KEYS } from '@wampums/schema';
import { type BackoffOptions, backoffDelay } from './backoff';
import type { Clock } from './clock';
import type { ClientOutboxEntry } from './coalesce';
import { settlePushConflict } from './conflicts';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { selectBatch } from './dependencies';
import { OfflineStoreError } from './errors';
import { type Rekey, rekeyMany } from './id-remap';
import { rebase, UNSYNCED_STATUSES } from './rebase';
import { isRetryable, type Transport, toStoreError } from './transport';
import { UnsyncedIndex } from './unsynced-index';

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
    baseUpdatedAt: entry.operation === 'create' ? null : (entry.baseUpdatedAt ?? null),
    payload: entry.payload,
    dependencies: entry.dependencies,
  };
}

/**
 * Pushes every due change, batch after batch, in the seed's order, until nothing more can go.
 * Throws the error that stopped it (network, 401...), after recording it on the entries.
 */
export async function pushAll(
  ctx: PushContext,
  options: { ignoreBackoff: boolean },
  /** Counts as they happen: still filled when the push stops on an error. */
  outcome: PushOutcome = { pushed: 0, conflicts: 0, failed: 0 },
): Promise<PushOutcome> {
  let limit = Math.min(ctx.batchSize, PUSH_LIMITS.maxChanges);
  for (;;) {
    ctx.signal.throwIfAborted();
    const now = ctx.clock.now();
    const unsynced = await ctx.db._outbox.where('status').anyOf(UNSYNCED_STATUSES).toArray();
    const batch = selectBatch(unsynced, { now, limit, ignoreBackoff: options.ignoreBackoff });
    if (batch.length === 0) return outcome;

    // Marked before sending: if the app dies now, the next start finds them in progress and
    // sends them again with the same correlation ids, which the server deduplicates.
    const sending = batch.map((e) => ({ ...e, status: 'in_progress' as const, sentAt: now }));
    await ctx.withQuota(() =>
      ctx.db.transaction('rw', ctx.db._outbox, () => ctx.db._outbox.bulkPut(sending)),
    );

    let answer: Awaited<ReturnType<Transport['push']>>;
    try {
      answer = await ctx.transport.push(
        { clientId: ctx.clientId, changes: sending.map(toPushChange) },
        ctx.signal,
      );
    } catch (thrown) {
      const error = toStoreError(thrown);
      if (error.code === 'payload_too_large' && sending.length > 1) {
        await markBack(ctx, sending, 'pending');
        limit = Math.max(1, Math.floor(sending.length / 2));
        continue;
      }
      if (error.code === 'unauthorized' || ctx.signal.aborted) {
        // Nothing of a refused request was applied: the changes wait, untouched, for a new token.
        await markBack(ctx, sending, 'pending');
        throw error;
      }
      await markFailed(ctx, sending, error);
      outcome.failed += sending.length;
      throw error;
    }

    const { results, serverTime } = answer.data;
    if (results.length !== sending.length) {
      const error = new OfflineStoreError('invalid_response', 'push answered a different number of results');
      await markFailed(ctx, sending, error);
      throw error;
    }
    const clockOffsetMs = Date.parse(serverTime) - answer.sentMidpoint;
    const settled = await ctx.withQuota(() => applyResults(ctx, sending, results, clockOffsetMs));
    outcome.pushed += settled.pushed;
    outcome.conflicts += settled.conflicts;
    outcome.failed += settled.failed;
    // Only skipped changes: the next round would send the same thing again.
    if (settled.pushed + settled.conflicts + settled.failed === 0) return outcome;
  }
}

/** Settles one push answer in one transaction: entries, records, id mappings and conflicts. */
async function applyResults(
  ctx: PushContext,
  sent: ClientOutboxEntry[],
  results: PushResult[],
  clockOffsetMs: number,
): Promise<PushOutcome> {
  const { db } = ctx;
  const now = ctx.clock.now();
  const outcome: PushOutcome = { pushed: 0, conflicts: 0, failed: 0 };
  await db.transaction('rw', db.tables, async () => {
    await db._syncMeta.put({ key: SYNC_META_KEYS.clockOffset, value: clockOffsetMs });
    const index = await UnsyncedIndex.load(db);
    const created: Rekey[] = [];
    for (const [i, result] of results.entries()) {
      const sentEntry = sent[i] as ClientOutboxEntry;
      const entry = index.get(sentEntry.localId as number) ?? sentEntry;
      switch (result.status) {
        case 'applied':
        case 'duplicate': {
          outcome.pushed += 1;
          index.put({ ...entry, status: 'synced', syncedAt: now, serverResponse: result, lastError: null });
          const row = (result.entity ?? null) as StoredRecord | null;
          if (entry.operation === 'create') {
            // Mapped all together after the loop: one query per store for the whole batch.
            created.push({
              type: entry.entityType,
              fromId: entry.entityId,
              toId: result.serverId,
              serverRow: row,
            });
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
    for (const c of created) index.rebaseOnto(c.type, c.toId, c.serverRow);
    await index.flush(db);
  });
  return outcome;
}

async function markBack(ctx: PushContext, entries: ClientOutboxEntry[], status: 'pending'): Promise<void> {
  await ctx.db.transaction('rw', ctx.db._outbox, () =>
    ctx.db._outbox.bulkPut(entries.map((e) => ({ ...e, status, sentAt: null }))),
  );
}

/** A failed request: each entry counts a retry and waits out its backoff (unless the failure is final). */
async function markFailed(ctx: PushContext, entries: ClientOutboxEntry[], error: OfflineStoreError) {
  const now = ctx.clock.now();
  const retryable = isRetryable(error);
  await ctx.db.transaction('rw', ctx.db._outbox, () =>
    ctx.db._outbox.bulkPut(
      entries.map((e) => {
        const retryCount = e.retryCount + 1;
        return {
          ...e,
          status: 'failed' as const,
          retryCount,
          lastError: { code: error.code, message: error.message },
          // `sentAt` stays: the server may have applied the request before the answer was lost.
          nextAttemptAt: retryable ? now + backoffDelay(retryCount, ctx.random, ctx.backoff) : undefined,
        };
      }),
    ),
  );
}
