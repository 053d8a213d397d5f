import {
  type ConflictDecision,
  type ConflictRecord,
  type ConflictResolution,
  ENTITIES,
  type EntityType,
  fieldNamesOf,
  generateTempId,
  jsonEqual,
  localEditOf,
  type PushResult,
  resolveConflict,
  SERVER_MANAGED_FIELDS,
  updatePatchSchema,
} from '@wampums/schema';
import type { ClientOutboxEntry } from './coalesce';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { deriveDependencies } from './dependencies';
import { OfflineStoreError } from './errors';
import { rekey } from './id-remap';
import { rebase } from './rebase';
import { knownServerRow, newestServerRow } from './server-shadow';
import { REFRESH_IN_PROGRESS_KEY } from './sync-meta';
import type { ConflictChoice } from './types';
import { UnsyncedIndex } from './unsynced-index';
import { randomUuid } from './uuid';

type ConflictResult = Extract<PushResult, { status: 'conflict' }>;

/** The fields of `fields` that differ from the server's row (server-managed columns excluded). */
export function diffFromServer(
  type: EntityType,
  fields: Record<string, unknown>,
  server: Record<string, unknown>,
): Record<string, unknown> {
  const own = new Set(fieldNamesOf(type));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if ((SERVER_MANAGED_FIELDS as readonly string[]).includes(k) || !own.has(k)) continue;
    if (!jsonEqual(server[k], v)) out[k] = v;
  }
  return out;
}

/** Turns `entry` into a fresh update sending `patch` on top of the server's current row. */
function resend(entry: ClientOutboxEntry, server: StoredRecord, patch: Record<string, unknown> | null) {
  const operation = entry.operation === 'delete' ? 'delete' : 'update';
  const entityId = server.id as ClientOutboxEntry['entityId'];
  return {
    ...entry,
    // The old correlation id has an answer on the server (the conflict): a new attempt needs its own.
    correlationId: randomUuid(),
    operation,
    entityId,
    payload: operation === 'delete' ? null : patch,
    dependencies: deriveDependencies(entry.entityType, entityId, operation, patch),
    baseUpdatedAt: typeof server.updated_at === 'string' ? server.updated_at : null,
    baseEntity: server,
    status: 'pending',
    sentAt: null,
    nextAttemptAt: undefined,
    lastError: null,
  } satisfies ClientOutboxEntry;
}

const RESOLUTION: Record<ConflictDecision['kind'], ConflictResolution> = {
  'server-wins': 'server-wins',
  'local-wins': 'local-wins',
  merged: 'merged',
  'status-escalated': 'status-escalated',
  manual: 'pending-user',
};

export interface SettleContext {
  db: WampumsOfflineDB;
  index: UnsyncedIndex;
  now: number;
  clockOffsetMs: number;
}

/**
 * Settles a `conflict` push answer by the entity's strategy (`resolveConflict` of the schema),
 * inside the push-results transaction, and records it in `_conflicts`. A create that collided
 * with a natural key is first mapped to the server's row, then settled last-write-wins.
 */
export async function settlePushConflict(
  ctx: SettleContext,
  entry: ClientOutboxEntry,
  result: ConflictResult,
): Promise<ConflictRecord> {
  const { db, index, now } = ctx;
  const type = entry.entityType;
  const server = (result.serverEntity ?? null) as StoredRecord | null;
  const localBefore = (await db.entity(type).get(entry.entityId)) ?? null;
  const localId = entry.localId as number;

  if (entry.operation === 'create' && server) {
    // Same natural key: this is the server's row. Everything pointing at the temp id follows it.
    await rekey(db, index, type, entry.entityId, server.id, server, now);
  }
  const current = index.get(localId) ?? entry;
  const decision: ConflictDecision =
    entry.operation === 'create' && !server
      ? { kind: 'local-wins', patch: entry.payload }
      : resolveConflict({
          entityType: type,
          operation: entry.operation === 'create' ? 'update' : entry.operation,
          localPatch: entry.payload,
          baseEntity: entry.operation === 'create' ? null : (entry.baseEntity ?? null),
          serverEntity: server,
          // The original edit's time, even for a change re-sent after an earlier conflict.
          localEditedAt: entry.timestamp,
          ...(entry.fieldTimes ? { localFieldEditedAt: entry.fieldTimes } : {}),
          clockOffsetMs: ctx.clockOffsetMs,
          localAuthorId: entry.authorId ?? null,
          deviceNow: now,
        });

  let resolvedVersion: StoredRecord | null = null;
  let resolution = RESOLUTION[decision.kind];
  // The answer carries the server's current row: the record's other changes keep it as shadow.
  index.observeServerRow(type, server?.id ?? current.entityId, server);
  if (decision.kind === 'manual') {
    index.put({ ...current, status: 'conflict', serverResponse: result, sentAt: null });
    resolvedVersion = null;
  } else if (decision.kind === 'server-wins' || !server) {
    index.put({ ...current, status: 'synced', syncedAt: now, serverResponse: result, sentAt: null });
    index.rebaseOnto(type, current.entityId, server);
    resolvedVersion = await putRebased(ctx, type, current.entityId, server);
    resolution = 'server-wins';
    if (current.operation === 'delete' && server) await restoreCascade(db);
  } else {
    const patch = current.operation === 'delete' ? null : diffFromServer(type, decision.patch ?? {}, server);
    if (patch !== null && Object.keys(patch).length === 0) {
      index.put({ ...current, status: 'synced', syncedAt: now, serverResponse: result, sentAt: null });
    } else {
      index.put(resend(current, server, patch));
    }
    resolvedVersion = await putRebased(ctx, type, server.id, server);
  }

  const record: ConflictRecord = {
    entityType: type,
    entityId: (server?.id ?? current.entityId) as ConflictRecord['entityId'],
    correlationId: entry.correlationId,
    localVersion: entry.operation === 'delete' ? null : { ...(localBefore ?? {}), ...(entry.payload ?? {}) },
    serverVersion: server,
    baseVersion: entry.baseEntity ?? null,
    localEdit: {
      at: localEditOf({ localEditedAt: entry.timestamp, clockOffsetMs: ctx.clockOffsetMs, deviceNow: now })
        .at,
      by: entry.authorId ?? null,
      name: entry.authorName ?? null,
    },
    strategy: ENTITIES[type].conflictStrategy,
    resolution,
    resolvedVersion,
    detectedAt: now,
    resolvedAt: decision.kind === 'manual' ? null : now,
  };
  record.id = await db._conflicts.add(record);
  return record;
}

/**
 * A local delete that does not happen after all (the server kept the record) had also removed
 * the record's children on this device, and the pull cursor is already past them: the next
 * pull is a full refresh, which brings them back (the outbox stays as it is).
 */
export async function restoreCascade(db: WampumsOfflineDB): Promise<void> {
  await db._syncMeta.put({ key: REFRESH_IN_PROGRESS_KEY, value: true });
}

/** The server's row in the push answer that raised the conflict `entry` waits in. */
function detectedServerRow(entry: ClientOutboxEntry | undefined): StoredRecord | null | undefined {
  const answer = entry?.serverResponse;
  if (answer?.status !== 'conflict') return undefined;
  return (answer.serverEntity ?? null) as StoredRecord | null;
}

/** Stores the server row with the record's pending changes on top (or deletes it). */
async function putRebased(
  ctx: Pick<SettleContext, 'db' | 'index'>,
  type: EntityType,
  id: number | string,
  server: StoredRecord | null,
): Promise<StoredRecord | null> {
  const record = rebase(server, ctx.index.pendingFor(type, id));
  if (record) await ctx.db.entity(type).put(record);
  else await ctx.db.entity(type).delete(id);
  return record;
}

/**
 * A person settles a conflict left for them: `server` drops the local change; `local` sends it
 * again over the server's current row; `{ fields }` sends merged fields. A record deleted on
 * the server and kept by the person is created again. Nothing else of the record was pushed
 * meanwhile; it flows again afterwards.
 */
export async function resolveUserConflict(
  db: WampumsOfflineDB,
  conflictId: number,
  choice: ConflictChoice,
  now: number,
): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    const conflict = await db._conflicts.get(conflictId);
    if (!conflict) throw new OfflineStoreError('not_found', `conflict ${conflictId} does not exist`);
    if (conflict.resolvedAt !== null)
      throw new OfflineStoreError('conflict', 'this conflict is already settled');
    const type = conflict.entityType;
    const index = await UnsyncedIndex.load(db);
    const entry = index
      .pendingFor(type, conflict.entityId)
      .find((e) => e.status === 'conflict' && e.correlationId === conflict.correlationId);
    // The newest server version seen: pulls since the conflict was found keep the conflict's
    // `serverVersion` and the entries' shadows current, and the cursor is already past them.
    const server = (newestServerRow([
      conflict.serverVersion,
      ...(entry ? [knownServerRow(index, entry)] : []),
    ]) ?? null) as StoredRecord | null;
    let resolution: ConflictResolution;
    let resolvedVersion: StoredRecord | null;

    if (choice === 'server') {
      resolution = 'user-server';
      if (entry) index.put({ ...entry, status: 'synced', syncedAt: now });
      if (entry?.operation === 'delete' && server) await restoreCascade(db);
      // The record's other queued changes were made without seeing newer server versions: they
      // stay based on the row the conflict was found with, so they are still checked against
      // what changed since.
      index.rebaseOnto(type, conflict.entityId, detectedServerRow(entry) ?? server);
      index.observeServerRow(type, conflict.entityId, server);
      resolvedVersion = await putRebased({ db, index }, type, conflict.entityId, server);
    } else {
      resolution = choice === 'local' ? 'user-local' : 'user-merged';
      let fields: Record<string, unknown> | null;
      if (choice === 'local')
        fields = entry?.operation === 'delete' ? null : (entry?.payload ?? conflict.localVersion);
      else {
        const parsed = updatePatchSchema(type).safeParse(choice.fields);
        if (!parsed.success) {
          throw new OfflineStoreError('validation_failed', `invalid ${type} fields`, {
            issues: parsed.error.issues,
          });
        }
        fields = parsed.data;
      }
      if (!entry) throw new OfflineStoreError('not_found', 'the change behind this conflict is gone');
      if (server) {
        index.observeServerRow(type, conflict.entityId, server);
        const patch = fields === null ? null : diffFromServer(type, fields, server);
        if (patch !== null && Object.keys(patch).length === 0)
          index.put({ ...entry, status: 'synced', syncedAt: now });
        else index.put(resend(entry, server, patch));
        resolvedVersion = await putRebased({ db, index }, type, server.id, server);
      } else if (fields === null) {
        index.put({ ...entry, status: 'synced', syncedAt: now });
        resolvedVersion = null;
      } else {
        // Deleted on the server, kept by the person: create it again under a new temp id.
        const local = { ...(conflict.localVersion ?? {}), ...fields };
        const own = Object.fromEntries(
          fieldNamesOf(type)
            .filter((f) => f in local)
            .map((f) => [f, local[f]]),
        );
        const tempId = generateTempId(now);
        await rekey(db, index, type, conflict.entityId, tempId, null, now);
        index.put({
          ...entry,
          correlationId: randomUuid(),
          operation: 'create',
          entityId: tempId,
          tempId,
          payload: own,
          dependencies: deriveDependencies(type, tempId, 'create', own),
          baseUpdatedAt: null,
          baseEntity: null,
          status: 'pending',
          sentAt: null,
        });
        resolvedVersion = { ...own, id: tempId };
        await db.entity(type).put({ ...(conflict.localVersion ?? {}), ...own, id: tempId });
      }
    }
    await index.flush(db);
    await db._conflicts.update(conflictId, { resolution, resolvedVersion, resolvedAt: now });
  });
}
