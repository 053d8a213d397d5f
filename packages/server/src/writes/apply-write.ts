import {
  DEPENDENCY_ORDER,
  ENTITIES,
  type EntityType,
  isTempId,
  refusesUpdates,
  WampumsError,
} from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { DatabaseBusyError } from '../db/busy';
import { type Database, type Queryable, sqlStateOf } from '../db/database';
import type { Row } from '../entities/rows';
import { insertRows, selectRow } from '../entities/rows';
import { awardHonorsPoints } from '../rules/points';
import { lockContendedKeys } from './key-locks';
import {
  applyPreparedUpdate,
  createEntity,
  deleteEntity,
  type PreparedUpdate,
  prepareCreate,
  prepareUpdate,
  updateEntity,
} from './operations';
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

/**
 * Changes per optimistic transaction (no savepoints): its fixed statements (claims, temp ids,
 * answers, one insert per entity type) are shared by more changes. Redone in transactions of
 * {@link CHANGES_PER_TRANSACTION}.
 */
export const CHANGES_PER_OPTIMISTIC_TRANSACTION = 200;

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
  for (let start = 0; start < requests.length; start += CHANGES_PER_OPTIMISTIC_TRANSACTION) {
    const chunk = requests.slice(start, start + CHANGES_PER_OPTIMISTIC_TRANSACTION);
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
    } catch (error) {
      // Rolled back whole, receipts included: redone below, where the failure gets its answer
      // (or, for a failure of the database itself, is thrown again). A busy database is not
      // asked twice: the request ends with its 503 (db/busy.ts).
      restore();
      if (error instanceof DatabaseBusyError) throw error;
    }
  }
  const outcomes: WriteOutcome[] = [];
  for (let start = 0; start < chunk.length; start += CHANGES_PER_TRANSACTION) {
    const part = chunk.slice(start, start + CHANGES_PER_TRANSACTION);
    const done = await db.transaction(async (tx) => {
      await lockContendedKeys(tx, actor.organizationId, part);
      await ids.preload(tx, actor.organizationId, part);
      const partOutcomes: WriteOutcome[] = [];
      for (const req of part) partOutcomes.push(await applyInSavepoint(tx, actor, req, ids, clientId));
      return partOutcomes;
    });
    outcomes.push(...done);
  }
  return outcomes;
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

/**
 * Creates inserted one by one even in an optimistic chunk: the seat rule of a carpool
 * assignment counts the rows written before it.
 */
const INSERTED_ALONE: ReadonlySet<EntityType> = new Set<EntityType>(['carpool_assignments']);

/** A create of the optimistic chunk that can wait to be inserted with others of its type. */
function insertsTogether(req: WriteRequest): boolean {
  return (
    req.operation === 'create' && !ENTITIES[req.entityType].readOnly && !INSERTED_ALONE.has(req.entityType)
  );
}

/** Server ids for the creates at `indexes`, from their tables' sequences, in one statement. */
async function allocateIds(
  tx: Queryable,
  chunk: readonly WriteRequest[],
  indexes: readonly number[],
): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  if (indexes.length === 0) return ids;
  const rows = await tx.query<{ n: number; id: number }>(
    `SELECT u.n::int AS n, nextval(pg_get_serial_sequence(u.t, 'id'))::int AS id
     FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n)`,
    [indexes.map((i) => (chunk[i] as WriteRequest).entityType)],
  );
  for (const row of rows) ids.set(indexes[row.n - 1] as number, row.id);
  return ids;
}

/**
 * The writes an optimistic chunk holds back: creates (with their server ids taken up front, so
 * later changes resolve their temp ids) are inserted type by type, parents first, one
 * statement per type; the updates follow, in their order. Everything else (a delete, a carpool
 * assignment, a create of a temp id already mapped) writes them first and then runs itself, so
 * such a change sees every change before it. Only the relative order of a held update and a
 * later held create changes: they touch different rows, and when either outcome depends on the
 * other (a natural key, a seat) one of them fails, and the chunk is redone change by change.
 */
class HeldWrites {
  private creates: { index: number; type: EntityType; row: Row }[] = [];
  private updates: { index: number; req: WriteRequest; prepared: PreparedUpdate }[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly actor: Actor,
    private readonly outcomes: (WriteOutcome | undefined)[],
  ) {}

  holdCreate(index: number, type: EntityType, row: Row): void {
    this.creates.push({ index, type, row });
  }

  holdUpdate(index: number, req: WriteRequest, prepared: PreparedUpdate): void {
    this.updates.push({ index, req, prepared });
  }

  async write(): Promise<void> {
    const org = this.actor.organizationId;
    const creates = this.creates;
    const updates = this.updates;
    this.creates = [];
    this.updates = [];
    for (const type of DEPENDENCY_ORDER) {
      const held = creates.filter((c) => c.type === type);
      if (held.length === 0) continue;
      const inserted = await insertRows(
        this.tx,
        type,
        org,
        held.map((c) => c.row),
      );
      // A natural key already taken: the change-by-change run answers it with the row there.
      if (inserted.length !== held.length) throw new RedoCarefully('a natural key is taken');
      const byId = new Map(inserted.map((row) => [row.id as number, row]));
      for (const c of held) {
        const id = c.row.id as number;
        this.outcomes[c.index] = { status: 'applied', serverId: id, entity: byId.get(id) ?? null };
      }
      if (type === 'honors') await awardHonorsPoints(this.tx, org, inserted);
    }
    for (const u of updates) {
      const outcome = await applyPreparedUpdate(this.tx, this.actor, u.req, u.prepared);
      if (outcome?.status !== 'applied') throw new RedoCarefully(outcome?.status ?? 'stale or gone');
      this.outcomes[u.index] = outcome;
    }
  }
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
  await lockContendedKeys(tx, org, chunk);
  await ids.preload(tx, org, chunk);
  const handled = await claimReceipts(
    tx,
    org,
    chunk.map((req) => req.correlationId as string),
  );
  if (!handled) throw new RedoCarefully('a receipt went away');
  const fresh = chunk.flatMap((req, i) =>
    insertsTogether(req) && !handled.has(req.correlationId as string) ? [i] : [],
  );
  const newIds = await allocateIds(tx, chunk, fresh);
  const tempIds: TempIdRecord[] = [];
  const mode: WriteMode = {
    checkReferences: false,
    recordTempId: async (_tx, _org, type, tempId, serverId) => {
      tempIds.push({ type, tempId, serverId });
      return true;
    },
  };
  const outcomes: (WriteOutcome | undefined)[] = chunk.map(() => undefined);
  const held = new HeldWrites(tx, actor, outcomes);
  for (const [i, req] of chunk.entries()) {
    const receipt = handled.get(req.correlationId as string);
    const tempId = createdTempId(req);
    if (receipt) {
      // Its `current` row is read after what this chunk holds is written.
      await held.write();
      outcomes[i] = await answerOf(tx, org, req, receipt, ids);
    } else if (await hold(tx, actor, req, ids, i, newIds.get(i), held, mode)) {
      // Written with the others; its temp id is known from now on.
    } else {
      await held.write();
      const outcome = await writeChange(tx, actor, req, ids, mode);
      if (outcome.status !== 'applied' && outcome.status !== 'duplicate')
        throw new RedoCarefully(outcome.status);
      outcomes[i] = outcome;
      if (tempId) ids.remember(req.entityType, tempId, outcome.serverId);
    }
  }
  await held.write();
  const answers: ReceiptAnswer[] = [];
  const done = chunk.map((req, i) => {
    const outcome = outcomes[i];
    if (outcome?.status !== 'applied' && outcome?.status !== 'duplicate')
      throw new Error('a change has no answer');
    if (!handled.has(req.correlationId as string)) {
      answers.push(answerFor(req, req.correlationId as string, clientId, outcome));
    }
    return outcome;
  });
  if (!(await recordTempIds(tx, org, tempIds))) throw new RedoCarefully('a temp id was mapped meanwhile');
  await completeReceipts(tx, org, answers);
  return done;
}

/**
 * Holds a create or an update back in `held` after the checks that read nothing, and answers
 * true; false for a change that must run now. A create takes the server id given to it, and its
 * temp id maps to it from now on.
 */
async function hold(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  index: number,
  newId: number | undefined,
  held: HeldWrites,
  mode: WriteMode,
): Promise<boolean> {
  const org = actor.organizationId;
  if (req.operation === 'delete' || ENTITIES[req.entityType].readOnly) return false;
  if (req.operation === 'update' && refusesUpdates(req.entityType)) return false;
  if (req.operation === 'create' && newId === undefined) return false;
  const tempId = createdTempId(req);
  // Created before under another correlationId: answered `duplicate` with the row as it is now.
  if (tempId && (await ids.lookup(tx, org, req.entityType, tempId)) !== null) return false;
  await checkDependencies(tx, org, req, ids);
  if (req.operation === 'update') {
    held.holdUpdate(index, req, await prepareUpdate(tx, actor, req, ids));
    return true;
  }
  const row = await prepareCreate(tx, actor, req, ids);
  const id = newId as number;
  held.holdCreate(index, req.entityType, { ...row, id });
  if (tempId) {
    ids.remember(req.entityType, tempId, id);
    await mode.recordTempId(tx, org, req.entityType, tempId, id);
  }
  return true;
}

/** The temp id a create introduces, if any. */
function createdTempId(req: WriteRequest): string | null {
  if (req.operation !== 'create') return null;
  return req.tempId ?? (isTempId(req.entityId) ? req.entityId : null);
}

/**
 * The `duplicate` answer of an already handled correlationId (its temp id is known from now on),
 * with the record as it is now as both `entity` and `current`: receipts keep no copy of the row
 * (`docs/privacy.md`), so a record deleted since answers `null`, nothing of it.
 */
async function answerOf(
  tx: Queryable,
  organizationId: number,
  req: WriteRequest,
  receipt: Receipt,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const serverId = receipt.server_id;
  if (receipt.temp_id && serverId !== null && receipt.entity_type === req.entityType) {
    ids.remember(req.entityType, receipt.temp_id, serverId);
  }
  const current =
    serverId !== null && receipt.entity_updated_at !== null && receipt.entity_type === req.entityType
      ? await selectRow(tx, req.entityType, organizationId, serverId)
      : null;
  return { status: 'duplicate', serverId: serverId ?? 0, entity: current, current };
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
      if (error instanceof RollbackWith) return afterRollback(tx, error.outcome);
      if (error instanceof DatabaseBusyError) throw error;
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

/** A rolled-back outcome with what it writes after the rollback (a double-dose report). */
async function afterRollback(tx: Queryable, outcome: WriteOutcome): Promise<WriteOutcome> {
  if (outcome.status !== 'conflict' || !outcome.afterRollback) return outcome;
  const serverEntity = (await outcome.afterRollback(tx)) ?? outcome.serverEntity;
  return { status: 'conflict', code: outcome.code, serverEntity };
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
    if (receipt) return answerOf(tx, org, req, receipt, ids);
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
  await checkDependencies(tx, actor.organizationId, req, ids);
  if (ENTITIES[req.entityType].readOnly) {
    throw new WampumsError('read_only', `${req.entityType} are maintained by the server`);
  }
  if (req.operation === 'update' && refusesUpdates(req.entityType)) {
    throw new WampumsError('read_only', `${req.entityType} are append-only: delete and create again instead`);
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

/** Throws DependencyPending unless every temp id the change declares it waits for is mapped. */
async function checkDependencies(
  tx: Queryable,
  organizationId: number,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<void> {
  for (const dep of req.dependencies) {
    const known =
      !ids.hasFailed(dep.entityType, dep.tempId) &&
      (await ids.lookup(tx, organizationId, dep.entityType, dep.tempId)) !== null;
    if (!known) throw new DependencyPending(`waits for ${dep.entityType} ${dep.tempId}`);
  }
}
