import {
  applyCreateDefaults,
  createPayloadSchema,
  type EntityType,
  isRecordedDose,
  isTempId,
  type TripDirection,
  updatePatchSchema,
  WampumsError,
} from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Queryable } from '../db/database';
import { deleteRow, insertRow, type Row, selectByNaturalKey, selectRow, updateRow } from '../entities/rows';
import { validationError } from '../errors';
import { assertMayChangeOwned, hasOwner, stampCreateAuthors, stampUpdateAuthors } from '../rules/authorship';
import { assertMayDecideBadge, losesApproval } from '../rules/badge-status';
import { assertOfferKeepsRiders, assertSeatAvailable } from '../rules/carpool-seats';
import { stampEdit } from '../rules/edit-times';
import {
  appendDoseHistory,
  assertDoseIdentityKept,
  assertDoseParticipant,
  assertRequirementKeepsChild,
  correctionOf,
  isDoubleDose,
  reportDoubleDose,
} from '../rules/medication';
import { awardHonorPoints, followHonorParticipant } from '../rules/points';
import { DependencyPending, resolveReferences } from './references';
import type { RequestTempIds } from './temp-ids';
import { RetryChange, type WriteMode, type WriteOutcome, type WriteRequest } from './write-types';

/** The server id an update or delete targets (a temp id resolves through the maps). */
async function targetId(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<number> {
  const id = req.entityId;
  if (typeof id === 'number') return id;
  if (isTempId(id)) {
    if (ids.hasFailed(req.entityType, id)) throw new DependencyPending(`${id} was not created`);
    const mapped = await ids.lookup(tx, actor.organizationId, req.entityType, id);
    if (mapped === null) throw new DependencyPending(`temp id ${id} is not known yet`);
    return mapped;
  }
  throw new WampumsError('validation_failed', 'entityId must be a server id or a temp id');
}

/** True when the server's row changed after the version the edit was based on. */
function isStale(row: Row, baseUpdatedAt: string | null): boolean {
  return baseUpdatedAt !== null && Date.parse(String(row.updated_at)) > Date.parse(baseUpdatedAt);
}

/**
 * The part of a create before its write, shared by {@link createEntity} and the optimistic chunk
 * (which inserts the result together with other creates of its type): validation, defaults,
 * the badge rule, and the temp ids of its foreign keys resolved from this request or the
 * preloaded map (and each reference read first when `checkReferences`, to name the field).
 */
export async function prepareCreate(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  checkReferences = false,
): Promise<Row> {
  const type = req.entityType;
  const parsed = createPayloadSchema(type).safeParse(req.payload);
  if (!parsed.success) throw validationError(parsed.error, `${type} payload`);
  const values = applyCreateDefaults(type, parsed.data, actor.userId);
  if (type === 'badge_progress') assertMayDecideBadge(actor, null, values);
  stampCreateAuthors(actor, type, values);
  stampEdit(actor, type, values, req.editedAt, req.fieldEditedAt);
  await resolveReferences(tx, actor.organizationId, type, values, ids, actor.userId, checkReferences);
  // Unchecked (an optimistic chunk), the composite foreign key of migration 004 still refuses
  // a mismatch, and the chunk is redone change by change, with this check.
  if (type === 'medication_distributions' && checkReferences)
    await assertDoseParticipant(tx, actor.organizationId, values);
  return values;
}

export async function createEntity(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  mode: WriteMode,
): Promise<WriteOutcome> {
  const type = req.entityType;
  const org = actor.organizationId;
  const tempId = req.tempId ?? (isTempId(req.entityId) ? req.entityId : null);
  if (tempId) {
    // Already created under another correlationId (its answer was lost): never twice.
    const existing = await ids.lookup(tx, org, type, tempId);
    if (existing !== null) {
      const row = await selectRow(tx, type, org, existing);
      return { status: 'duplicate', serverId: existing, entity: row, current: row };
    }
  }
  const values = await prepareCreate(tx, actor, req, ids, mode.checkReferences);
  if (type === 'carpool_assignments') {
    await assertSeatAvailable(
      tx,
      org,
      values.carpool_offer_id as number,
      values.trip_direction as TripDirection,
      null,
    );
  }
  const row = await insertRow(tx, type, org, values);
  if (!row) {
    // The natural key is taken (attendance per participant and date...): the row already there.
    const existing = await selectByNaturalKey(tx, type, org, values);
    if (type === 'medication_distributions' && isDoubleDose(existing, values)) {
      // A second given dose for a slot already given: the conflict settles which record stays
      // (docs/domain.md), and the row keeps a report of both for a person, written after the
      // change's savepoint is rolled back.
      const key = req.correlationId ?? `${String(actor.userId)}@${String(values.administered_at)}`;
      return {
        status: 'conflict',
        code: 'conflict',
        serverEntity: existing,
        afterRollback: (t) => reportDoubleDose(t, org, existing, values, key),
      };
    }
    return { status: 'conflict', code: 'conflict', serverEntity: existing };
  }
  if (type === 'honors') await awardHonorPoints(tx, org, row);
  if (tempId && !(await mode.recordTempId(tx, org, type, tempId, row.id as number))) throw new RetryChange();
  return { status: 'applied', serverId: row.id as number, entity: row };
}

export async function updateEntity(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
  mode: WriteMode,
): Promise<WriteOutcome> {
  const { id, patch } = await patchAndTarget(tx, actor, req, ids);
  return updateTarget(tx, actor, req, id, patch, () =>
    resolveReferences(
      tx,
      actor.organizationId,
      req.entityType,
      patch,
      ids,
      actor.userId,
      mode.checkReferences,
    ),
  );
}

/** An update's validated patch and the server id it targets. */
async function patchAndTarget(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<PreparedUpdate> {
  const parsed = updatePatchSchema(req.entityType).safeParse(req.payload);
  if (!parsed.success) throw validationError(parsed.error, `${req.entityType} patch`);
  const patch: Row = { ...parsed.data };
  stampUpdateAuthors(actor, req.entityType, patch);
  stampEdit(actor, req.entityType, patch, req.editedAt, req.fieldEditedAt);
  return { id: await targetId(tx, actor, req, ids), patch };
}

/** An update checked and resolved without reading anything, to be written later. */
export interface PreparedUpdate {
  id: number;
  patch: Row;
}

/**
 * The part of an update that reads nothing (an optimistic chunk writes it after the creates
 * before it): validation, the target's server id, and the temp ids of its foreign keys.
 */
export async function prepareUpdate(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<PreparedUpdate> {
  const prepared = await patchAndTarget(tx, actor, req, ids);
  await resolveReferences(tx, actor.organizationId, req.entityType, prepared.patch, ids, actor.userId, false);
  return prepared;
}

/** Entities whose update rules read the row before writing it (badge decisions, carpool seats). */
const READ_BEFORE_UPDATE: ReadonlySet<EntityType> = new Set<EntityType>([
  'badge_progress',
  'carpool_assignments',
  'medication_distributions',
]);

/**
 * Writes a {@link prepareUpdate}d update with its rules. Where no rule reads the row first, the
 * write and the staleness check are one statement, and `null` answers a row that is gone or
 * newer than `baseUpdatedAt` (nothing was written; the change-by-change run answers it).
 */
export async function applyPreparedUpdate(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  prepared: PreparedUpdate,
): Promise<WriteOutcome | null> {
  const type = req.entityType;
  if (READ_BEFORE_UPDATE.has(type) || hasOwner(type)) {
    return updateTarget(tx, actor, req, prepared.id, prepared.patch, async () => {});
  }
  const org = actor.organizationId;
  const row = await updateRow(tx, type, org, prepared.id, prepared.patch, req.baseUpdatedAt);
  if (!row) return null;
  return afterUpdate(tx, org, type, row, prepared.patch);
}

/** The rules that check or follow a written update. */
async function afterUpdate(
  tx: Queryable,
  org: number,
  type: EntityType,
  row: Row,
  patch: Row,
): Promise<WriteOutcome> {
  if (type === 'carpool_offers') await assertOfferKeepsRiders(tx, org, row);
  if (type === 'honors' && patch.participant_id !== undefined) await followHonorParticipant(tx, org, row);
  return { status: 'applied', serverId: row.id as number, entity: row };
}

/** An update of the row `id`: its rules (`resolve` checks the references after the staleness), the write. */
async function updateTarget(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  id: number,
  patch: Row,
  resolve: () => Promise<void>,
): Promise<WriteOutcome> {
  const type = req.entityType;
  const org = actor.organizationId;
  const current = await selectRow(tx, type, org, id, 'update');
  if (!current) return { status: 'conflict', code: 'gone', serverEntity: null };
  assertMayChangeOwned(actor, type, current);
  if (type === 'badge_progress') assertMayDecideBadge(actor, current, patch);
  if (isStale(current, req.baseUpdatedAt)) {
    if (type === 'medication_distributions' && isDoubleDose(current, patch)) {
      // Given over a version that was not yet given (a planned slot two leaders gave offline):
      // reported like a second create of the slot.
      const second: Row = { ...current, ...patch, administered_by: actor.userId };
      const key = req.correlationId ?? `${String(actor.userId)}@${String(second.administered_at)}`;
      return {
        status: 'conflict',
        code: 'conflict',
        serverEntity: current,
        afterRollback: (t) => reportDoubleDose(t, org, current, second, key),
      };
    }
    return { status: 'conflict', code: 'conflict', serverEntity: current };
  }
  if (type === 'badge_progress' && losesApproval(current, patch, req.baseUpdatedAt)) {
    return { status: 'conflict', code: 'conflict', serverEntity: current };
  }
  const dose = type === 'medication_distributions';
  if (dose) assertDoseIdentityKept(current, patch);
  await resolve();
  if (dose && (patch.medication_requirement_id !== undefined || patch.participant_id !== undefined)) {
    await assertDoseParticipant(tx, org, { ...current, ...patch });
  }
  if (type === 'medication_requirements') await assertRequirementKeepsChild(tx, org, current, patch);
  if (type === 'carpool_assignments') {
    const offerId = (patch.carpool_offer_id ?? current.carpool_offer_id) as number;
    const direction = (patch.trip_direction ?? current.trip_direction) as TripDirection;
    await assertSeatAvailable(tx, org, offerId, direction, id);
  }
  const correction = dose ? correctionOf(actor, current, patch) : null;
  let row = await updateRow(tx, type, org, id, patch);
  if (row && correction) row = await appendDoseHistory(tx, org, id, correction);
  if (!row) return { status: 'conflict', code: 'gone', serverEntity: null };
  return afterUpdate(tx, org, type, row, patch);
}

export async function deleteEntity(
  tx: Queryable,
  actor: Actor,
  req: WriteRequest,
  ids: RequestTempIds,
): Promise<WriteOutcome> {
  const type = req.entityType;
  const org = actor.organizationId;
  const id = await targetId(tx, actor, req, ids);
  const current = await selectRow(tx, type, org, id, 'update');
  if (!current) return { status: 'conflict', code: 'gone', serverEntity: null };
  assertMayChangeOwned(actor, type, current);
  if (type === 'badge_progress') assertMayDecideBadge(actor, current, null);
  if (type === 'medication_distributions' && isRecordedDose(current)) {
    throw new WampumsError('forbidden', 'A given or missed dose is never deleted: correct it instead');
  }
  if (isStale(current, req.baseUpdatedAt))
    return { status: 'conflict', code: 'conflict', serverEntity: current };
  if (type === 'badge_progress' && losesApproval(current, null, req.baseUpdatedAt)) {
    return { status: 'conflict', code: 'conflict', serverEntity: current };
  }
  await deleteRow(tx, type, org, id);
  return { status: 'applied', serverId: id, entity: null };
}
