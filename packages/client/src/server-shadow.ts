import type { EntityType } from '@wampums/schema';
import type { ClientOutboxEntry } from './coalesce';
import type { WampumsOfflineDB } from './db';
import type { UnsyncedIndex } from './unsynced-index';

/** A server row seen for a record: `null` when the server deleted it. */
export type ServerRow = Record<string, unknown> | null;

/** One record as a pulled page (or a full snapshot) shows it. */
export interface ServerObservation {
  type: EntityType;
  id: number;
  row: ServerRow;
}

function updatedAt(row: Record<string, unknown>): number {
  const time = typeof row.updated_at === 'string' ? Date.parse(row.updated_at) : Number.NaN;
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

/**
 * The newest of several versions of one record seen from the server, `undefined` when none is
 * known. A deletion is final (server ids are never reused), so it beats any row; rows compare
 * by the server's `updated_at`, and on a tie the later candidate (seen later) wins.
 */
export function newestServerRow(candidates: readonly (ServerRow | undefined)[]): ServerRow | undefined {
  let newest: ServerRow | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (candidate === null) return null;
    if (newest === undefined || (newest !== null && updatedAt(candidate) >= updatedAt(newest)))
      newest = candidate;
  }
  return newest;
}

/**
 * The newest server version this device has seen of the record `entry` changes: the server
 * shadows kept on the record's unsynced entries (pulls and push answers update them), else the
 * row the change was made on. `undefined` when nothing is known. Settling a change (discard,
 * a person taking the server's version) puts this back, never an older row: the pull cursor
 * is already past the newer one, so an older row would stay on the device for good.
 */
export function knownServerRow(index: UnsyncedIndex, entry: ClientOutboxEntry): ServerRow | undefined {
  const siblings = index.pendingFor(entry.entityType, entry.entityId);
  return newestServerRow([
    // A null base means "made on a record created offline", not "deleted": it says nothing.
    entry.baseEntity ?? undefined,
    ...siblings.map((e) => e.serverShadow),
    entry.serverShadow,
  ]);
}

/**
 * Records what a pulled page showed of records that have unsynced changes: their entries keep
 * it as server shadow (their base, which conflict detection compares with, stays), and a
 * conflict waiting for a person shows the server's current version.
 */
export async function noteServerRows(
  db: WampumsOfflineDB,
  index: UnsyncedIndex,
  observations: readonly ServerObservation[],
): Promise<void> {
  const waiting = new Map<string, ServerRow>();
  for (const o of observations) {
    index.observeServerRow(o.type, o.id, o.row);
    if (index.pendingFor(o.type, o.id).some((e) => e.status === 'conflict'))
      waiting.set(`${o.type}:${o.id}`, o.row);
  }
  if (waiting.size === 0) return;
  const ids = [...new Set(observations.map((o) => o.id))];
  const open = await db._conflicts
    .where('entityId')
    .anyOf(ids)
    .filter((c) => c.resolvedAt === null)
    .toArray();
  for (const conflict of open) {
    const key = `${conflict.entityType}:${conflict.entityId}`;
    if (!waiting.has(key)) continue;
    const newest = newestServerRow([conflict.serverVersion, waiting.get(key)]) ?? null;
    if (newest !== conflict.serverVersion) await db._conflicts.put({ ...conflict, serverVersion: newest });
  }
}
