import { ENTITIES, type EntityType, FOREIGN_KEYS, isTempId, parseTempId } from '@wampums/schema';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { rebase } from './rebase';
import { putInChunks, type UnsyncedIndex } from './unsynced-index';

/** One record changing id: from a temp id to its server id (or, rarely, the other way). */
export interface Rekey {
  type: EntityType;
  fromId: number | string;
  toId: number | string;
  /** The record as the server stored it; the record's pending changes are replayed on top. */
  serverRow: StoredRecord | null;
  /**
   * The server created the record in answer to this very change (`applied`): no mapping of its
   * temp id can exist yet, so none is looked for.
   */
  created?: boolean;
  /** The server deleted the record since (a late `duplicate` answer): it goes from the device. */
  gone?: boolean;
}

/**
 * Gives records new ids everywhere, inside the caller's transaction (which spans every store):
 * each record's key, every foreign key pointing at it in every store, every unsynced outbox
 * entry (its id, payload foreign keys and dependencies) and the conflicts naming it. From a temp
 * id to a server id it also records the mapping in `_idMap`, so that a screen still holding the
 * temp id finds the record. Works on the whole list at once: one query per store and foreign
 * key, whatever the number of records, so settling a large push stays fast.
 */
export async function rekeyMany(
  db: WampumsOfflineDB,
  index: UnsyncedIndex,
  items: readonly Rekey[],
  now: number,
): Promise<void> {
  if (items.length === 0) return;
  for (const item of items) rewriteEntries(index, item);

  const byType = new Map<EntityType, Rekey[]>();
  for (const item of items) byType.set(item.type, [...(byType.get(item.type) ?? []), item]);
  for (const [type, list] of byType) {
    const table = db.entity(type);
    // The server's row is the base when the answer carries it: nothing local needs reading.
    const unknown = list.filter((i) => !i.serverRow);
    const locals = await table.bulkGet(unknown.map((i) => i.fromId));
    const existing = await table.bulkGet(unknown.map((i) => i.toId));
    const local = new Map(unknown.map((i, n) => [i, locals[n]]));
    const known = new Map(unknown.map((i, n) => [i, i.fromId !== i.toId ? existing[n] : undefined]));
    await table.bulkDelete(list.filter((i) => i.fromId !== i.toId).map((i) => i.fromId));
    const puts: StoredRecord[] = [];
    const deletes: (number | string)[] = [];
    for (const item of list) {
      const before = local.get(item);
      const base = item.gone
        ? null
        : (item.serverRow ?? known.get(item) ?? (before ? { ...before, id: item.toId } : null));
      const record = rebase(base ? { ...base, id: item.toId } : null, index.pendingFor(type, item.toId));
      if (record) puts.push(record);
      else if (item.serverRow || known.get(item)) deletes.push(item.toId);
    }
    await putInChunks(table, puts);
    await table.bulkDelete(deletes);
  }

  // Rows of read-only stores come from the server, which never sends a temp id: giving temp
  // ids their server ids does not read such a store whole for a key it has no index on.
  const toServerIds = items.every((i) => isTempId(i.fromId) && !isTempId(i.toId));
  for (const fk of FOREIGN_KEYS) {
    const list = byType.get(fk.references);
    if (!list) continue;
    const child = db.entity(fk.entityType);
    const indexed = child.schema.indexes.some((i) => i.name === fk.field);
    if (!indexed && toServerIds && ENTITIES[fk.entityType].readOnly) continue;
    const to = new Map<unknown, number | string>(list.map((i) => [i.fromId, i.toId]));
    const matches = indexed
      ? child.where(fk.field).anyOf([...to.keys()] as (number | string)[])
      : child.filter((row) => to.has(row[fk.field]));
    await matches.modify((row: StoredRecord) => {
      row[fk.field] = to.get(row[fk.field]) ?? row[fk.field];
    });
  }

  const conflictTo = new Map(items.map((i) => [`${i.type}:${i.fromId}`, i.toId]));
  await db._conflicts
    .where('entityId')
    .anyOf(items.map((i) => i.fromId) as (number | string)[])
    .modify((c) => {
      const to = conflictTo.get(`${c.entityType}:${c.entityId}`);
      if (to !== undefined) c.entityId = to as typeof c.entityId;
    });

  const mappings = items.filter((i) => isTempId(i.fromId) && typeof i.toId === 'number');
  if (mappings.length > 0) {
    const maybeKnown = mappings.filter((i) => !i.created);
    const known =
      maybeKnown.length === 0
        ? []
        : await db._idMap
            .where('[entityType+tempId]')
            .anyOf(maybeKnown.map((i) => [i.type, i.fromId]))
            .toArray();
    const seen = new Set(known.map((k) => `${k.entityType}:${k.tempId}`));
    await putInChunks(
      db._idMap,
      mappings
        .filter((i) => !seen.has(`${i.type}:${i.fromId}`))
        .map((i) => ({
          entityType: i.type,
          tempId: i.fromId as `temp_${number}_${string}`,
          serverId: i.toId as number,
          createdAt: parseTempId(i.fromId)?.timestamp ?? now,
          syncedAt: now,
        })),
    );
  }
}

/** One record's new id in the unsynced entries: its own id, foreign keys and dependencies. */
function rewriteEntries(index: UnsyncedIndex, { type, fromId, toId, serverRow }: Rekey): void {
  for (const entry of index.referencing(fromId)) {
    let changed = false;
    let next = entry;
    if (entry.entityType === type && entry.entityId === fromId) {
      next = { ...next, entityId: toId as typeof entry.entityId };
      // An edit made on the offline record was based on what its create sent: from now on, the
      // version to compare with is the row the server stored.
      if (serverRow && entry.operation !== 'create' && !entry.baseUpdatedAt) {
        next.baseUpdatedAt = String(serverRow.updated_at ?? '') || null;
        next.baseEntity = serverRow;
      }
      changed = true;
    }
    for (const fk of FOREIGN_KEYS) {
      if (fk.references !== type || fk.entityType !== entry.entityType) continue;
      const payload = next.payload;
      if (payload && payload[fk.field] === fromId) {
        next = { ...next, payload: { ...payload, [fk.field]: toId } };
        changed = true;
      }
    }
    if (next.dependencies.some((d) => d.tempId === fromId)) {
      next = {
        ...next,
        dependencies: isTempId(toId)
          ? next.dependencies.map((d) => (d.tempId === fromId ? { ...d, tempId: toId } : d))
          : next.dependencies.filter((d) => d.tempId !== fromId),
      };
      changed = true;
    }
    if (changed) index.put(next);
  }
}

/** `rekeyMany` for one record. */
export function rekey(
  db: WampumsOfflineDB,
  index: UnsyncedIndex,
  type: EntityType,
  fromId: number | string,
  toId: number | string,
  serverRow: StoredRecord | null,
  now: number,
): Promise<void> {
  return rekeyMany(db, index, [{ type, fromId, toId, serverRow }], now);
}

/** The server id a temp id was mapped to, if it was (call inside or outside a transaction). */
export function mappedServerId(
  db: WampumsOfflineDB,
  type: EntityType,
  tempId: string,
): Promise<number | undefined> {
  // A Dexie promise, not an async function: live queries only observe reads made through them.
  return db._idMap
    .where('[entityType+tempId]')
    .equals([type, tempId])
    .first()
    .then((entry) => entry?.serverId);
}
