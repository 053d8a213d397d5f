import { ENTITIES, isTempId, WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { type Database, sqlStateOf } from '../db/database';
import { createEntity, deleteEntity, updateEntity } from './operations';
import { claimReceipt, completeReceipt } from './receipts';
import { DependencyPending } from './references';
import { lookupTempId, type RequestTempIds } from './temp-ids';
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
 * Applies one change atomically in its own transaction: claims its correlationId, validates,
 * resolves temp ids, runs the server-side rules, writes, and stores the answer with the
 * receipt. Anything but `applied`/`duplicate` rolls back entirely (the receipt too, so a
 * corrected retry can succeed). The only write path: REST and push both come here.
 */
export async function applyWrite(
  db: Database,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const tempId =
    req.operation === 'create' ? (req.tempId ?? (isTempId(req.entityId) ? req.entityId : null)) : null;
  const outcome = await attempt(db, actor, req, ids);
  if (tempId) {
    if (outcome.status === 'applied' || outcome.status === 'duplicate') {
      ids.remember(req.entityType, tempId, outcome.serverId);
    } else ids.markFailed(req.entityType, tempId);
  }
  return outcome;
}

async function attempt(
  db: Database,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  for (let n = 1; ; n++) {
    try {
      return await db.transaction((tx) => writeInTransaction(tx, actor, req, ids));
    } catch (error) {
      if (error instanceof RollbackWith) return error.outcome;
      if (error instanceof WampumsError) return { status: 'rejected', error };
      if (error instanceof DependencyPending) return { status: 'skipped', message: error.message };
      const state = sqlStateOf(error);
      const retryable =
        error instanceof RetryChange || state === '23505' || state === '40001' || state === '40P01';
      if (retryable && n < MAX_ATTEMPTS) continue;
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
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
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
      (ids.get(dep.entityType, dep.tempId) !== undefined ||
        (await lookupTempId(tx, org, dep.entityType, dep.tempId)) !== null);
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
    const tempId =
      req.operation === 'create' ? (req.tempId ?? (isTempId(req.entityId) ? req.entityId : null)) : null;
    await completeReceipt(tx, org, req.correlationId, {
      entityType: req.entityType,
      tempId,
      serverId: outcome.serverId,
      entity: outcome.entity,
    });
  }
  return outcome;
}
