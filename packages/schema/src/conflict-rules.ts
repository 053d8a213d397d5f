import { correctedEditTime, type EditStamp, fieldEditOf, isLaterEdit, rowEditOf } from './edit-time';
import { ENTITIES, type EntityType } from './entities';
import type { Operation } from './protocol';

/**
 * The pure conflict rules of the seed (section 5), shared by the client (which settles push
 * conflicts) and by tests. They decide; they never touch storage.
 */
export type ConflictDecision =
  /** Keep the server's row; the local change is dropped. */
  | { kind: 'server-wins' }
  /** Send `patch` again, based on the server's current `updated_at` (for a delete: delete again). */
  | { kind: 'local-wins'; patch: Record<string, unknown> | null }
  /** Field-level merge: `patch` holds the local fields that survive. */
  | { kind: 'merged'; patch: Record<string, unknown> }
  /** Like local-wins or merged, with a status downgrade removed (or an approval kept). */
  | { kind: 'status-escalated'; patch: Record<string, unknown> }
  /** Left for a person. */
  | { kind: 'manual' };

export interface ConflictInput {
  entityType: EntityType;
  operation: Operation;
  /** The pending local patch (update), full record (create) or `null` (delete). */
  localPatch: Record<string, unknown> | null;
  /** The record as this device last saw it from the server, if known. */
  baseEntity: Record<string, unknown> | null;
  /** The row on the server now; `null` if it was deleted there. */
  serverEntity: Record<string, unknown> | null;
  /** Device time (Unix ms) of the local edit. */
  localEditedAt: number;
  /** serverTime − deviceTime, as measured by the client (ms). */
  clockOffsetMs: number;
  /** Device time of each field's edit when edits were merged (`fieldTimes`); else `localEditedAt`. */
  localFieldEditedAt?: Record<string, number>;
  /** Who made the local edit (user id), for the tie-break of equal edit times. */
  localAuthorId?: number | null;
  /**
   * The device's time now (Unix ms): the local edit time is bounded by it, corrected, as the
   * server bounds it by its receive time (`correctedEditTime`). Without it, unbounded.
   */
  deviceNow?: number;
}

/** Structural equality of JSON values (field values are JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The local edit, on the server's clock, bounded like the server bounds it. */
export function localEditOf(
  input: Pick<ConflictInput, 'localEditedAt' | 'clockOffsetMs' | 'localAuthorId' | 'deviceNow'>,
): EditStamp {
  const bound =
    input.deviceNow === undefined ? Number.POSITIVE_INFINITY : input.deviceNow + input.clockOffsetMs;
  return {
    at: correctedEditTime(input.localEditedAt, input.clockOffsetMs, bound),
    by: input.localAuthorId ?? null,
  };
}

/**
 * True when the local edit is later than the edit that produced the server's row
 * (`isLaterEdit`: edit times, then author ids), not than when that row reached the server.
 */
export function localIsLater(
  input: Pick<
    ConflictInput,
    'serverEntity' | 'localEditedAt' | 'clockOffsetMs' | 'localAuthorId' | 'deviceNow'
  >,
): boolean {
  return isLaterEdit(localEditOf(input), rowEditOf(input.serverEntity));
}

const APPROVED = 'approved';

/** Removes a downgrade of an approved status, or keeps a local approval the server lacks. */
function escalate(
  patch: Record<string, unknown>,
  local: Record<string, unknown> | null,
  server: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...patch };
  if (server.status === APPROVED && 'status' in out && out.status !== APPROVED) delete out.status;
  if (local?.status === APPROVED && server.status !== APPROVED) out.status = APPROVED;
  return out;
}

function lastWriteWins(input: ConflictInput): ConflictDecision {
  return localIsLater(input) ? { kind: 'local-wins', patch: input.localPatch } : { kind: 'server-wins' };
}

function fieldMerge(input: ConflictInput, server: Record<string, unknown>): ConflictDecision {
  if (input.operation !== 'update' || input.localPatch === null) return lastWriteWins(input);
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(input.localPatch)) {
    // Without a base we cannot tell who changed the field: treat it as changed on both sides.
    const serverChanged = input.baseEntity === null || !jsonEqual(input.baseEntity[field], server[field]);
    if (jsonEqual(server[field], value)) continue; // both sides agree already
    // Changed on both sides: the later edit of that field (its own time in `field_edits`).
    const local = localEditOf({
      ...input,
      localEditedAt: input.localFieldEditedAt?.[field] ?? input.localEditedAt,
    });
    if (!serverChanged || isLaterEdit(local, fieldEditOf(server, field))) kept[field] = value;
  }
  return Object.keys(kept).length > 0 ? { kind: 'merged', patch: kept } : { kind: 'server-wins' };
}

/** Decides a conflict by the entity's declared strategy. */
export function resolveConflict(input: ConflictInput): ConflictDecision {
  const strategy = ENTITIES[input.entityType].conflictStrategy;
  const server = input.serverEntity;
  if (strategy === 'manual') return { kind: 'manual' };
  if (strategy === 'server-authoritative') return { kind: 'server-wins' };
  // The row is gone on the server: an edit of it cannot land, and a delete already has.
  if (server === null) return { kind: 'server-wins' };
  switch (strategy) {
    case 'field-merge':
      return fieldMerge(input, server);
    case 'create-wins':
    case 'last-write-wins':
      return lastWriteWins(input);
    case 'status-escalation': {
      if (input.operation === 'delete')
        return server.status === APPROVED ? { kind: 'server-wins' } : lastWriteWins(input);
      const local = input.localPatch ?? {};
      const base = localIsLater(input) ? local : {};
      const patch = escalate(base, local, server);
      if (Object.keys(patch).length === 0) return { kind: 'server-wins' };
      return jsonEqual(patch, base) && localIsLater(input)
        ? { kind: 'local-wins', patch }
        : { kind: 'status-escalated', patch };
    }
  }
}
