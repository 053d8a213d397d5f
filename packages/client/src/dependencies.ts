import {
  type Dependency,
  type EntityType,
  foreignKeysOf,
  isTempId,
  type OutboxEntry,
  PUSH_ORDER,
  type TempId,
} from '@wampums/schema';

/**
 * The temp ids a change waits for: every foreign key of its payload that still holds a temp id,
 * and, for an update or delete of a record created offline, the record's own create.
 */
export function deriveDependencies(
  type: EntityType,
  entityId: number | string,
  operation: OutboxEntry['operation'],
  payload: Record<string, unknown> | null,
): Dependency[] {
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const add = (entityType: EntityType, tempId: TempId) => {
    if (seen.has(tempId)) return;
    seen.add(tempId);
    out.push({ entityType, tempId });
  };
  if (operation !== 'create' && isTempId(entityId)) add(type, entityId);
  if (payload) {
    for (const fk of foreignKeysOf(type)) {
      const value = payload[fk.field];
      if (isTempId(value)) add(fk.references, value);
    }
  }
  return out;
}

const rank = new Map<EntityType, number>(PUSH_ORDER.map((t, i) => [t, i]));

/** Sorts entries in the push order of the seed (parents' stores first), then oldest first. */
export function sortForPush<T extends Pick<OutboxEntry, 'entityType' | 'localId'>>(entries: T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      (rank.get(a.entityType) ?? 99) - (rank.get(b.entityType) ?? 99) || (a.localId ?? 0) - (b.localId ?? 0),
  );
}

/** True when a failed entry may be sent now: a network failure whose backoff has passed. */
export function isDue(entry: OutboxEntry, now: number, ignoreBackoff: boolean): boolean {
  if (entry.status === 'pending') return true;
  if (entry.status !== 'failed') return false;
  // A failure without `nextAttemptAt` is a rejection: only a person (retry or edit) sends it again.
  if (entry.nextAttemptAt === undefined || entry.nextAttemptAt === null) return false;
  return ignoreBackoff || entry.nextAttemptAt <= now;
}

/**
 * Picks the next batch to push from every unsynced entry. A change goes only when
 * - it is due (pending, or a network failure past its backoff);
 * - it is the oldest unsynced change of its record (one per record per batch), and the record
 *   has no conflict waiting for a person;
 * - each temp id it depends on is created earlier in the same batch (already mapped ids have
 *   been rewritten away), so a child never goes before its parent, and stays pending when the
 *   parent failed.
 */
export function selectBatch(
  unsynced: OutboxEntry[],
  options: { now: number; limit: number; ignoreBackoff: boolean },
): OutboxEntry[] {
  const entityKey = (e: OutboxEntry) => `${e.entityType}:${e.entityId}`;
  // The oldest unsynced entry of each record: only it may go first.
  const byEntity = new Map<string, OutboxEntry[]>();
  for (const e of [...unsynced].sort((a, b) => (a.localId ?? 0) - (b.localId ?? 0))) {
    const list = byEntity.get(entityKey(e)) ?? [];
    list.push(e);
    byEntity.set(entityKey(e), list);
  }
  const batch: OutboxEntry[] = [];
  const createdInBatch = new Set<string>();
  const entitiesInBatch = new Set<string>();
  for (const entry of sortForPush(unsynced)) {
    if (batch.length >= options.limit) break;
    if (!isDue(entry, options.now, options.ignoreBackoff)) continue;
    // One change per record per request: the next one is based on the row this one produces,
    // and is rebased on it once the answer is in.
    if (entitiesInBatch.has(entityKey(entry))) continue;
    const oldest = (byEntity.get(entityKey(entry)) ?? [])[0];
    if (oldest && oldest.localId !== entry.localId) continue;
    if (!entry.dependencies.every((d) => createdInBatch.has(d.tempId))) continue;
    batch.push(entry);
    entitiesInBatch.add(entityKey(entry));
    if (entry.operation === 'create' && entry.tempId) createdInBatch.add(entry.tempId);
  }
  return batch;
}
