import { ENTITIES, isTempId, WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { type Database, type Queryable, sqlStateOf } from '../db/database';
import { createEntity, deleteEntity, updateEntity } from './operations';
import {
  claimReceipt,
  claimReceipts,
  completeReceipt,
  completeReceipts,
  type Receipt,
  type ReceiptAnswer,
} from './receipts';
import { DependencyPending } from './references';
import { type RequestTempIds, recordTempId, recordTempIds, type TempIdRecord } from './temp-ids';
import {
  RetryChange,
  RollbackWith,
  type WriteMode,
  type WriteOutcome,
  type WriteRequest,
} from './write-types';

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
 * Changes per transaction. When a chunk is redone change by change, each change runs in its
 * own savepoint, and every savepoint that writes takes a subtransaction id; PostgreSQL caches
 * 64 of them per session before other sessions' visibility checks have to read pg_subtrans,
 * so a chunk stays below that.
 */
export const CHANGES_PER_TRANSACTION = 50;

/** Change by change: every reference read and named, each temp id recorded at once. */
const CAREFUL: WriteMode = { checkReferences: true, recordTempId };

/** A chunk that cannot be written all together: it is rolled back and redone change by change. */
class RedoCarefully extends Error {
  override readonly name = 'RedoCarefully';
}

/**
 * Applies changes in order, each atomically on its own, in one transaction per
 * {@link CHANGES_PER_TRANSACTION} changes. A chunk first runs optimistically: its
 * correlationIds claimed in one statement, the changes written one after the other without
 * savepoints, references left to the composite foreign keys, and the temp-id map and the
 * answers stored in one statement each at the end. When every change is `applied` or
 * `duplicate` that transaction commits. Otherwise (a conflict, a rejection, a skipped change,
 * any database error) it rolls back whole and the chunk is redone change by change: each in a
 * savepoint that claims its correlationId, validates, resolves temp ids, reads its
 * references, runs the server-side rules, writes, and stores the answer with the receipt.
 * Anything but `applied`/`duplicate` rolls back to the savepoint (the receipt too, so a
 * corrected retry can succeed), and the next change goes on. The only write path: REST and
 * push both come here. The outcomes hold once this resolves (committed); an unexpected
 * database failure rejects, and then nothing of the failing chunk was written. A push passes
 * its `clientId`: the receipts name that device (a pull of that device leaves those row
 * versions out).
 */
export async function applyWrites(
  db: Database,
  actor: Actor,
  requests: readonly WriteRequest[],
  ids: RequestTempIds,
  clientId: string | null = null,
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = [];
  for (let start = 0; start < requests.length; start += CHANGES_PER_TRANSACTION) {
    const chunk = requests.slice(start, start + CHANGES_PER_TRANSACTION);
    outcomes.push(...(await applyChunk(db, actor, chunk, ids, clientId)));
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

async function applyChunk(
  db: Database,
  actor: Actor,
  chunk: readonly WriteRequest[],
  ids: RequestTempIds,
  clientId: string | null,
): Promise<WriteOutcome[]> {
  // A single change gains nothing: its savepoint is the only statement saved, and a failure
  // would run it twice.
  if (chunk.length > 1 && mayRunTogether(chunk)) {
    const restore = ids.checkpoint();
    try {
      return await db.transaction((tx) => applyTogether(tx, actor, chunk, ids, clientId));
    } catch {
      // Rolled back whole, receipts included: redone below, where the failure gets its answer
      // (or, for a failure of the database itself, is thrown again).
      restore();
    }
  }
  return db.transaction(async (tx) => {
    await ids.preload(tx, actor.organizationId, chunk);
    const outcomes: WriteOutcome[] = [];
    for (const req of chunk) outcomes.push(await applyInSavepoint(tx, actor, req, ids, clientId));
    return outcomes;
  });
}

/** Every change carries its own correlationId (a push); none is repeated in the chunk. */
function mayRunTogether(chunk: readonly WriteRequest[]): boolean {
  const seen = new Set<string>();
  for (const req of chunk) {
    if (!req.correlationId || seen.has(req.correlationId)) return false;
    seen.add(req.correlationId);
  }
  return true;
}

/** The optimistic run of a chunk; throws (and the transaction rolls back) unless all went through. */
async function applyTogether(
  tx: Queryable,
  actor: Actor,
  chunk: readonly WriteRequest[],
  ids: RequestTempIds,
  clientId: string | null,
): Promise<WriteOutcome[]> {
  const org = actor.organizationId;
  await ids.preload(tx, org, chunk);
  const handled = await claimReceipts(
    tx,
    org,
    chunk.map((req) => req.correlationId as string),
  );
  if (!handled) throw new RedoCarefully('a receipt went away');
  const tempIds: TempIdRecord[] = [];
  const mode: WriteMode = {
    checkReferences: false,
    recordTempId: async (_tx, _org, type, tempId, serverId) => {
      tempIds.push({ type, tempId, serverId });
      return true;
    },
  };
  const answers: ReceiptAnswer[] = [];
  const outcomes: WriteOutcome[] = [];
  for (const req of chunk) {
    const correlationId = req.correlationId as string;
    const receipt = handled.get(correlationId);
    const outcome = receipt ? answerOf(req, receipt, ids) : await writeChange(tx, actor, req, ids, mode);
    if (outcome.status !== 'applied' && outcome.status !== 'duplicate')
      throw new RedoCarefully(outcome.status);
    const tempId = createdTempId(req);
    if (tempId) ids.remember(req.entityType, tempId, outcome.serverId);
    if (!receipt) answers.push(answerFor(req, correlationId, clientId, outcome));
    outcomes.push(outcome);
  }
  if (!(await recordTempIds(tx, org, tempIds))) throw new RedoCarefully('a temp id was mapped meanwhile');
  await completeReceipts(tx, org, answers);
  return outcomes;
}

/** The temp id a create introduces, if any. */
function createdTempId(req: WriteRequest): string | null {
  if (req.operation !== 'create') return null;
  return req.tempId ?? (isTempId(req.entityId) ? req.entityId : null);
}

/** The `duplicate` answer of an already handled correlationId (its temp id is known from now on). */
function answerOf(req: WriteRequest, receipt: Receipt, ids: RequestTempIds): WriteOutcome {
  if (receipt.temp_id && receipt.server_id !== null && receipt.entity_type === req.entityType) {
    ids.remember(req.entityType, receipt.temp_id, receipt.server_id);
  }
  return { status: 'duplicate', serverId: receipt.server_id ?? 0, entity: receipt.entity };
}

function answerFor(
  req: WriteRequest,
  correlationId: string,
  clientId: string | null,
  outcome: Extract<WriteOutcome, { status: 'applied' | 'duplicate' }>,
): ReceiptAnswer {
  return {
    correlationId,
    clientId,
    operation: req.operation,
    entityType: req.entityType,
    tempId: createdTempId(req),
    serverId: outcome.serverId,
    entity: outcome.entity,
  };
}

async function applyInSavepoint(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  clientId: string | null,
): Promise<WriteOutcome> {
  const tempId = createdTempId(req);
  const outcome = await attempt(tx, actor, req, ids, clientId);
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
  clientId: string | null,
): Promise<WriteOutcome> {
  for (let n = 1; ; n++) {
    // A successful change keeps its savepoint (no RELEASE round trip): the next SAVEPOINT of
    // the same name nests inside it, and ROLLBACK TO always goes back to the newest one.
    await tx.query('SAVEPOINT change');
    try {
      return await writeInSavepoint(tx, actor, req, ids, clientId);
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

async function writeInSavepoint(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  clientId: string | null,
): Promise<WriteOutcome> {
  const org = actor.organizationId;
  if (req.correlationId) {
    const receipt = await claimReceipt(tx, org, req.correlationId);
    if (receipt) return answerOf(req, receipt, ids);
  }
  const outcome = await writeChange(tx, actor, req, ids, CAREFUL);
  if (outcome.status !== 'applied' && outcome.status !== 'duplicate') throw new RollbackWith(outcome);
  if (req.correlationId) {
    await completeReceipt(tx, org, answerFor(req, req.correlationId, clientId, outcome));
  }
  return outcome;
}

/** The change itself: dependencies, read-only check, validation, rules and the write. */
async function writeChange(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  mode: WriteMode,
): Promise<WriteOutcome> {
  const org = actor.organizationId;
  for (const dep of req.dependencies) {
    const known =
      !ids.hasFailed(dep.entityType, dep.tempId) &&
      (await ids.lookup(tx, org, dep.entityType, dep.tempId)) !== null;
    if (!known) throw new DependencyPending(`waits for ${dep.entityType} ${dep.tempId}`);
  }
  if (ENTITIES[req.entityType].readOnly) {
    throw new WampumsError('read_only', `${req.entityType} are maintained by the server`);
  }
  switch (req.operation) {
    case 'create':
      return createEntity(tx, actor, req, ids, mode);
    case 'update':
      return updateEntity(tx, actor, req, ids, mode);
    case 'delete':
      return deleteEntity(tx, actor, req, ids);
  }
}
