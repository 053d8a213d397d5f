import { ENTITIES, isTempId, WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { type Database, type Queryable, sqlStateOf } from '../db/database';
import { createEntity, deleteEntity, updateEntity } from './operations';
import { claimReceipt, completeReceipt } from './receipts';
import { DependencyPending } from './references';
import type { RequestTempIds } from './temp-ids';
import { RetryChange, RollbackWith, type WriteOutcome, type WriteRequest } from './write-types';

const MAX_ATTEMPTS = 3;

/** Database errors that a bad change can cause, mapped to its rejection (never raw SQL text). */
function rejectionOf(error: unknown): WampumsError | null {
  const state = sqlStateOf(error);
  if (state === '23503') return new WampumsError('not_found', 'A referenced record does not exist');
  if (state === '23502' || state === '23514' || state?.startsWith('22')) {
    return new WampumsError('validation_failed', 'A value is not allowed for this field');
  }
  return null;
}

/**
 * Changes per transaction. Each change runs in its own savepoint, and every savepoint that
 * writes takes a subtransaction id; PostgreSQL caches 64 of them per session before other
 * sessions' visibility checks have to read pg_subtrans, so a chunk stays below that.
 */
export const CHANGES_PER_TRANSACTION = 50;

/**
 * Applies changes in order, each atomically on its own, in one transaction per
 * {@link CHANGES_PER_TRANSACTION} changes: every change runs in a savepoint that claims its
 * correlationId, validates, resolves temp ids, runs the server-side rules, writes, and stores
 * the answer with the receipt. Anything but `applied`/`duplicate` rolls back to the savepoint
 * (the receipt too, so a corrected retry can succeed), and the next change goes on. The only
 * write path: REST and push both come here. The outcomes hold once this resolves (committed);
 * an unexpected database failure rejects, and then nothing of the failing chunk was written.
 */
export async function applyWrites(
  db: Database,
  actor: Actor,
  requests: readonly WriteRequest[],
  ids: RequestTempIds,
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  for (let start = 0; start < requests.length; start += CHANGES_PER_TRANSACTION) {
    const chunk = requests.slice(start, start + CHANGES_PER_TRANSACTION);
    const applied = await db.transaction(async (tx) => {
      await ids.preload(tx, actor.organizationId, chunk);
      const chunkOutcomes: WriteOutcome[] = [];
      for (const req of chunk) chunkOutcomes.push(await applyInSavepoint(tx, actor, req, ids));
      return chunkOutcomes;
    });
    outcomes.push(...applied);
  }
  return outcomes;
}

/** One change on its own ({@link applyWrites} with a single change). */
export async function applyWrite(
  db: Database,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const [outcome] = await applyWrites(db, actor, [req], ids);
  if (!outcome) throw new Error('applyWrites answered no outcome');
  return outcome;
}

/** The temp id a create introduces, if any. */
function createdTempId(req: WriteRequest): string | null {
  if (req.operation !== 'create') return null;
  return req.tempId ?? (isTempId(req.entityId) ? req.entityId : null);
}

async function applyInSavepoint(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const tempId = createdTempId(req);
  const outcome = await attempt(tx, actor, req, ids);
  if (tempId) {
    if (outcome.status === 'applied' || outcome.status === 'duplicate') {
      ids.remember(req.entityType, tempId, outcome.serverId);
    } else ids.markFailed(req.entityType, tempId);
  }
  return outcome;
}

async function attempt(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  for (let n = 1; ; n++) {
    // A successful change keeps its savepoint (no RELEASE round trip): the next SAVEPOINT of
    // the same name nests inside it, and ROLLBACK TO always goes back to the newest one.
    await tx.query('SAVEPOINT change');
    try {
      return await writeInTransaction(tx, actor, req, ids);
    } catch (error) {
      // Undoes this change only (its receipt claim and its locks included).
      await tx.query('ROLLBACK TO SAVEPOINT change');
      if (error instanceof RollbackWith) return error.outcome;
      if (error instanceof WampumsError) return { status: 'rejected', error };
      if (error instanceof DependencyPending) return { status: 'skipped', message: error.message };
      const state = sqlStateOf(error);
      const retryable =
        error instanceof RetryChange || state === '23505' || state === '40001' || state === '40P01';
      if (retryable && n < MAX_ATTEMPTS) {
        // A concurrent request may have mapped this temp id since the preload: read it again.
        const tempId = createdTempId(req);
        if (tempId) ids.forget(req.entityType, tempId);
        continue;
      }
      const rejection = rejectionOf(error);
      if (rejection) return { status: 'rejected', error: rejection };
      if (state === '23505') {
        return {
          status: 'rejected',
          error: new WampumsError('conflict', 'The record collides with another one'),
        };
      }
      throw error;
    }
  }
}

async function writeInTransaction(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const org = actor.organizationId;
  if (req.correlationId) {
    const receipt = await claimReceipt(tx, org, req.correlationId);
    if (receipt) {
      if (receipt.temp_id && receipt.server_id !== null && receipt.entity_type === req.entityType) {
        ids.remember(req.entityType, receipt.temp_id, receipt.server_id);
      }
      return { status: 'duplicate', serverId: receipt.server_id ?? 0, entity: receipt.entity };
    }
  }
  for (const dep of req.dependencies) {
    const known =
      !ids.hasFailed(dep.entityType, dep.tempId) &&
      (await ids.lookup(tx, org, dep.entityType, dep.tempId)) !== null;
    if (!known) throw new DependencyPending(`waits for ${dep.entityType} ${dep.tempId}`);
  }
  if (ENTITIES[req.entityType].readOnly) {
    throw new WampumsError('read_only', `${req.entityType} are maintained by the server`);
  }
  let outcome: WriteOutcome;
  switch (req.operation) {
    case 'create':
      outcome = await createEntity(tx, actor, req, ids);
      break;
    case 'update':
      outcome = await updateEntity(tx, actor, req, ids);
      break;
    case 'delete':
      outcome = await deleteEntity(tx, actor, req, ids);
      break;
  }
  if (outcome.status !== 'applied' && outcome.status !== 'duplicate') throw new RollbackWith(outcome);
  if (req.correlationId) {
    const tempId = createdTempId(req);
    await completeReceipt(tx, org, req.correlationId, {
      entityType: req.entityType,
      tempId,
      serverId: outcome.serverId,
      entity: outcome.entity,
    });
  }
  return outcome;
}
