import {
  type ConflictRecord,
  ENTITIES,
  ENTITY_TYPES,
  type EntityType,
  isTempId,
  jsonEqual,
} from '@wampums/schema';
import type { Snapshot } from '../../support/api';
import type { SentChange } from '../../support/fault-proxy';
import type { Sql } from '../../support/sql';
import type { LocalState } from './local-state';
import { MARKER_FIELD, markerOf } from './markers';
import type { ModelEdit, Oracle } from './oracle';

type Row = Record<string, unknown>;

/** Rows of the snapshot by marker, for the markers of this run. */
export function indexByMarker(snapshot: Snapshot, tag: string): Map<string, Row[]> {
  const people = new Map((snapshot.participants ?? []).map((p) => [p.id, p]));
  const out = new Map<string, Row[]>();
  for (const type of ENTITY_TYPES) {
    for (const row of snapshot[type] ?? []) {
      const marker = markerOf(type, row, (id) => people.get(id));
      if (!marker?.startsWith(`${tag}:`)) continue;
      const key = `${type}|${marker}`;
      out.set(key, [...(out.get(key) ?? []), row]);
    }
  }
  return out;
}

const UNSYNCED = new Set(['pending', 'in_progress', 'failed', 'conflict']);

/** No record created in this run is on the server twice. */
export function checkNoDuplicates(byMarker: Map<string, Row[]>): string[] {
  const out: string[] = [];
  for (const [key, rows] of byMarker) {
    if (rows.length > 1)
      out.push(`duplicate rows on the server for ${key}: ids ${rows.map((r) => r.id).join(', ')}`);
  }
  return out;
}

/** Whether the device shows the record as not synced: an unsynced outbox entry or a conflict. */
function visiblyPending(local: LocalState, type: EntityType, localId: string, marker: string): boolean {
  const field = MARKER_FIELD[type];
  const entryFor = local.outbox.some(
    (e) =>
      e.entityType === type &&
      UNSYNCED.has(e.status) &&
      (String(e.entityId) === localId ||
        e.tempId === localId ||
        (field !== undefined && e.payload?.[field] === marker)),
  );
  const conflictFor = local.conflicts.some(
    (c) =>
      c.entityType === type &&
      (String(c.entityId) === localId || (field !== undefined && c.localVersion?.[field] === marker)),
  );
  return entryFor || conflictFor;
}

/** Conflict resolutions under which the device's version was written over the server's row. */
const SENT_OVER = new Set(['local-wins', 'merged', 'user-local', 'user-merged']);

/**
 * Two devices created the same record (same natural key, e.g. a participant's badge at one
 * level): the second create is mapped to the first one's row and settled last-write-wins, so the
 * later one's fields, marker included, are written over the first one's. The device that wrote
 * over it recorded the conflict, with the first record's marker in the server version it met.
 * Markers are never edited, so this is the only way a marker leaves its row.
 */
function mergedByNaturalKey(locals: LocalState[], type: EntityType, marker: string): boolean {
  const field = MARKER_FIELD[type];
  if (field === undefined || ENTITIES[type].naturalKey === null) return false;
  return locals.some((local) =>
    local.conflicts.some(
      (c) =>
        c.entityType === type &&
        SENT_OVER.has(c.resolution) &&
        c.serverVersion?.[field] === marker &&
        c.localVersion?.[field] !== marker,
    ),
  );
}

/**
 * Every record a user created is on the server exactly once, or was deleted (itself or a
 * parent it cascades from), or its device still shows it as pending, failed or in conflict.
 */
export function checkCreates(oracle: Oracle, byMarker: Map<string, Row[]>, locals: LocalState[]): string[] {
  const out: string[] = [];
  for (const record of oracle.records.values()) {
    if ((byMarker.get(`${record.type}|${record.marker}`) ?? []).length > 0) continue;
    if (oracle.isDeleted(record.marker)) continue;
    const local = locals[record.device] as LocalState;
    if (visiblyPending(local, record.type, record.localId, record.marker)) continue;
    if (mergedByNaturalKey(locals, record.type, record.marker)) continue;
    out.push(
      `lost create: ${record.type} ${record.marker} (device ${record.device}, step ${record.step}) is not on the server, not deleted, and its device shows nothing pending`,
    );
  }
  return out;
}

/**
 * Evidence that a value was written at some point: a push sent it, and the server holds a receipt
 * of that change (receipts keep ids, not rows: only applied changes leave one).
 */
async function receiptHolds(
  sql: Sql | null,
  organizationId: number,
  edit: ModelEdit,
  pushed: ReadonlyMap<string, SentChange>,
): Promise<boolean> {
  if (!sql) return false;
  const sent = [...pushed.values()]
    .filter((c) => c.entityType === edit.type && c.payload?.[edit.field] === edit.value)
    .map((c) => c.correlationId);
  if (sent.length === 0) return false;
  const rows = await sql(
    'SELECT 1 FROM sync_receipts WHERE organization_id = $1 AND correlation_id = ANY($2::text[]) LIMIT 1',
    [organizationId, sent],
  );
  return rows.length > 0;
}

/**
 * Every edit with a unique value is on the server, or was overwritten by a later edit of the
 * same field, or reached the server before being overwritten, or its device shows it pending,
 * failed or in conflict (auto-resolved conflicts are recorded too). Otherwise it was lost
 * without anybody being told.
 */
export async function checkEdits(
  oracle: Oracle,
  byMarker: Map<string, Row[]>,
  locals: LocalState[],
  sql: Sql | null,
  organizationId: number,
  pushed: ReadonlyMap<string, SentChange> = new Map(),
): Promise<string[]> {
  const out: string[] = [];
  for (const edit of oracle.edits) {
    if (!edit.unique) continue;
    const row = byMarker.get(`${edit.type}|${edit.marker}`)?.[0];
    if (!row) continue; // gone: checked with the creates and deletes
    if (row[edit.field] === edit.value) continue;
    const later = oracle.edits.some(
      (e) => e.marker === edit.marker && e.field === edit.field && e.type === edit.type && e.step > edit.step,
    );
    if (later) continue;
    // The same person deleted the record (or a record it cascades from) afterwards: the queued
    // edit was folded into the delete. If the delete then lost its conflict, the record comes
    // back as the server has it, and the edit went with the person's own later decision.
    const markers = new Set([edit.marker, ...oracle.ancestors(edit.marker)]);
    const deletedLater = oracle.deletes.some(
      (d) => d.device === edit.device && d.step > edit.step && markers.has(d.marker),
    );
    if (deletedLater) continue;
    const local = locals[edit.device] as LocalState;
    const pending = local.outbox.some(
      (e) => e.entityType === edit.type && UNSYNCED.has(e.status) && e.payload?.[edit.field] === edit.value,
    );
    const conflict = local.conflicts.some(
      (c) => c.entityType === edit.type && c.localVersion?.[edit.field] === edit.value,
    );
    if (pending || conflict) continue;
    const answered = local.outbox.some(
      (e) =>
        e.entityType === edit.type &&
        e.status === 'synced' &&
        (e.serverResponse?.status === 'applied' || e.serverResponse?.status === 'duplicate') &&
        e.serverResponse.entity?.[edit.field] === edit.value,
    );
    if (answered || (await receiptHolds(sql, organizationId, edit, pushed))) continue;
    out.push(
      `lost edit: ${edit.type} ${edit.marker}.${edit.field} = ${JSON.stringify(edit.value)} (device ${edit.device}, step ${edit.step}); server has ${JSON.stringify(row[edit.field])}`,
    );
  }
  return out;
}

/**
 * The fields the change behind a conflict carries. The conflict's local version is the whole
 * record as the device showed it, including values that had synced before (they are on the
 * server by right); only the change that met the conflict waits for a person. Its outbox entry
 * (same correlation id) names them; once purged, the fields that differ from the base it was
 * made on stand in.
 */
function carriedByConflict(local: LocalState, c: ConflictRecord): Record<string, unknown> {
  const entry = local.outbox.find(
    (e) => e.correlationId === c.correlationId && e.entityType === c.entityType,
  );
  if (entry) return entry.payload ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.localVersion ?? {})) {
    if (!jsonEqual(c.baseVersion?.[k], v)) out[k] = v;
  }
  return out;
}

/** Medication conflicts wait for a person; the server never holds a value that waits there. */
export function checkMedication(
  oracle: Oracle,
  byMarker: Map<string, Row[]>,
  locals: LocalState[],
  allowUserResolutions: boolean,
): string[] {
  const out: string[] = [];
  for (const [i, local] of locals.entries()) {
    for (const c of local.conflicts) {
      if (c.entityType !== 'medication_requirements') continue;
      const ok =
        c.resolution === 'pending-user' || (allowUserResolutions && c.resolution.startsWith('user-'));
      if (!ok)
        out.push(
          `medication requirement ${String(c.entityId)} on device ${i} was resolved automatically (${c.resolution})`,
        );
    }
  }
  for (const edit of oracle.edits) {
    if (edit.type !== 'medication_requirements' || !edit.unique) continue;
    const local = locals[edit.device] as LocalState;
    const waiting = local.conflicts.some(
      (c) =>
        c.entityType === 'medication_requirements' &&
        (c.resolution === 'pending-user' || c.resolution === 'user-server') &&
        carriedByConflict(local, c)[edit.field] === edit.value,
    );
    const row = byMarker.get(`medication_requirements|${edit.marker}`)?.[0];
    if (waiting && row?.[edit.field] === edit.value) {
      out.push(`medication requirement ${edit.marker}.${edit.field} took a value that waits for a person`);
    }
  }
  return out;
}

/** A badge seen approved on the server is still approved (unless its row was deleted). */
export function checkApprovedBadges(
  oracle: Oracle,
  approvedSeen: Set<string>,
  byMarker: Map<string, Row[]>,
): string[] {
  const out: string[] = [];
  for (const marker of approvedSeen) {
    const row = byMarker.get(`badge_progress|${marker}`)?.[0];
    if (!row) {
      if (!oracle.isDeleted(marker)) out.push(`approved badge ${marker} vanished from the server`);
      continue;
    }
    if (row.status !== 'approved') out.push(`approved badge ${marker} went back to ${String(row.status)}`);
  }
  return out;
}

/** Each honor has exactly its points row, with the organization's value; no orphan points. */
export function checkPoints(snapshot: Snapshot, pointsPerHonor: number): string[] {
  const out: string[] = [];
  const honors = snapshot.honors ?? [];
  const points = snapshot.points ?? [];
  const honorIds = new Set(honors.map((h) => h.id));
  for (const honor of honors) {
    const rows = points.filter((p) => p.honor_id === honor.id);
    if (rows.length !== 1) out.push(`honor ${String(honor.id)} has ${rows.length} points rows`);
    for (const p of rows) {
      if (p.value !== pointsPerHonor)
        out.push(`points of honor ${String(honor.id)} are ${String(p.value)}, expected ${pointsPerHonor}`);
      if (p.participant_id !== honor.participant_id)
        out.push(`points of honor ${String(honor.id)} name another participant`);
    }
  }
  for (const p of points) {
    if (p.honor_id !== null && !honorIds.has(p.honor_id))
      out.push(`points row ${String(p.id)} points at a missing honor`);
  }
  return out;
}

/** No field anywhere (server or device) holds a temp id once everything synced. */
export function checkNoTempIds(snapshot: Snapshot, locals: LocalState[]): string[] {
  const out: string[] = [];
  const scan = (where: string, type: string, row: Row) => {
    for (const [field, value] of Object.entries(row)) {
      if (isTempId(value)) out.push(`${where}: ${type} ${String(row.id)}.${field} = ${value}`);
    }
  };
  for (const type of ENTITY_TYPES) for (const row of snapshot[type] ?? []) scan('server', type, row);
  for (const [i, local] of locals.entries()) {
    for (const type of ENTITY_TYPES) for (const row of local.rows[type]) scan(`device ${i}`, type, row);
  }
  return out;
}

/** Every device holds exactly the server's rows, field for field. */
export function checkConvergence(snapshot: Snapshot, locals: LocalState[]): string[] {
  const out: string[] = [];
  for (const [i, local] of locals.entries()) {
    for (const type of ENTITY_TYPES) {
      const server = new Map((snapshot[type] ?? []).map((r) => [r.id, r]));
      const mine = new Map(local.rows[type].map((r) => [r.id, r]));
      for (const [id, row] of server) {
        const copy = mine.get(id as number);
        if (!copy) {
          out.push(`device ${i} lacks ${type} ${String(id)}`);
          continue;
        }
        const differing = Object.keys(row).filter((k) => !jsonEqual(row[k], copy[k]));
        if (differing.length > 0) {
          out.push(
            `device ${i} differs on ${type} ${String(id)}: ${differing.map((k) => `${k} ${JSON.stringify(copy[k])} vs server ${JSON.stringify(row[k])}`).join('; ')}`,
          );
        }
      }
      for (const id of mine.keys())
        if (!server.has(id)) out.push(`device ${i} has ${type} ${String(id)} that the server does not`);
    }
  }
  return out.slice(0, 30);
}

/**
 * Edits closer than this in real time are not ordered by the check: the device measures its
 * clock offset halfway through a request (a slow answer shifts it by half its delay, at most
 * 100 ms here), the server from the request's `sentAt`.
 */
export const EDIT_ORDER_TOLERANCE_MS = 250;

/** Strategies whose outcome is "the latest edit" (per field for the field-level merge). */
const LATEST_EDIT_WINS = new Set(['last-write-wins', 'field-merge']);

/**
 * Every last-write-wins outcome is the latest edit, by the real time the person made it
 * (docs/architecture.md, section 5), whatever the devices' clocks said and whichever synced
 * first: for each field of each record, the server's value must not be that of an edit made
 * clearly before another edit of the same field that reached the server. Edits left out: one
 * still waiting on its device (pending, failed, refused or in a conflict for a person), one
 * folded into its device's later delete, and one whose device's clock jumped between the edit
 * and its sync (the offset measured when it is sent no longer describes the clock it was made
 * with: docs/sync-protocol.md, "Edit times").
 */
export function checkLatestEditWins(
  oracle: Oracle,
  byMarker: Map<string, Row[]>,
  locals: LocalState[],
): string[] {
  const out: string[] = [];
  const groups = new Map<string, ModelEdit[]>();
  for (const edit of oracle.edits) {
    if (!edit.unique || !LATEST_EDIT_WINS.has(ENTITIES[edit.type].conflictStrategy)) continue;
    const key = `${edit.type}|${edit.marker}|${edit.field}`;
    groups.set(key, [...(groups.get(key) ?? []), edit]);
  }
  for (const edits of groups.values()) {
    const first = edits[0] as ModelEdit;
    const row = byMarker.get(`${first.type}|${first.marker}`)?.[0];
    if (!row) continue;
    const counted = edits.filter((edit) => {
      if (oracle.jumpedAfter(edit.device, edit.at)) return false;
      const markers = new Set([edit.marker, ...oracle.ancestors(edit.marker)]);
      if (oracle.deletes.some((d) => d.device === edit.device && d.step > edit.step && markers.has(d.marker)))
        return false;
      const local = locals[edit.device] as LocalState;
      const waiting = local.outbox.some(
        (e) => e.entityType === edit.type && UNSYNCED.has(e.status) && e.payload?.[edit.field] === edit.value,
      );
      const forPerson = local.conflicts.some(
        (c) =>
          c.entityType === edit.type &&
          (c.resolution === 'pending-user' || c.resolution.startsWith('user-')) &&
          c.localVersion?.[edit.field] === edit.value,
      );
      return !waiting && !forPerson;
    });
    if (counted.length < 2) continue;
    const latest = counted.reduce((a, b) => (b.at > a.at ? b : a));
    const kept = counted.find((e) => e.value === row[first.field]);
    if (!kept || kept === latest || latest.at - kept.at <= EDIT_ORDER_TOLERANCE_MS) continue;
    out.push(
      `not the latest edit: ${first.type} ${first.marker}.${first.field} = ${JSON.stringify(kept.value)} (device ${kept.device}, step ${kept.step}) on the server, but device ${latest.device} set ${JSON.stringify(latest.value)} ${latest.at - kept.at} ms later (step ${latest.step})`,
    );
  }
  return out;
}
