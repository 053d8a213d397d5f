import { type EntityType, FOREIGN_KEYS, isTempId, parseTempId } from '@wampums/schema';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { rebase } from './rebase';
import type { UnsyncedIndex } from './unsynced-index';

/**
 * Gives a record a new id everywhere, inside the caller's transaction (which spans every
 * store): the record's key, every foreign key pointing at it in every store, every unsynced
 * outbox entry (its id, payload foreign keys and dependencies) and the conflicts naming it.
 * From a temp id to a server id it also records the mapping in `_idMap`, so that a screen
 * still holding the temp id finds the record. `serverRow` is the record as the server stored
 * it; the record's pending changes are replayed on top.
 */
export async function rekey(
  db: WampumsOfflineDB,
  index: UnsyncedIndex,
  type: EntityType,
  fromId: number | string,
  toId: number | string,
  serverRow: StoredRecord | null,
  now: number,
): Promise<void> {
  const table = db.entity(type);
  const local = await table.get(fromId);
  if (fromId !== toId) await table.delete(fromId);

  for (const entry of index.all()) {
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

  const existing = fromId !== toId ? await table.get(toId) : undefined;
  const base = serverRow ?? existing ?? (local ? { ...local, id: toId } : null);
  const record = rebase(base ? { ...base, id: toId } : null, index.pendingFor(type, toId));
  if (record) await table.put(record);
  else if (existing) await table.delete(toId);

  for (const fk of FOREIGN_KEYS) {
    if (fk.references !== type) continue;
    const child = db.entity(fk.entityType);
    const indexed = child.schema.indexes.some((i) => i.name === fk.field);
    const matches = indexed
      ? child.where(fk.field).equals(fromId)
      : child.filter((row) => row[fk.field] === fromId);
    await matches.modify((row: StoredRecord) => {
      row[fk.field] = toId;
    });
  }

  await db._conflicts
    .where('entityId')
    .equals(fromId)
    .and((c) => c.entityType === type)
    .modify((c) => {
      c.entityId = toId as typeof c.entityId;
    });

  if (isTempId(fromId) && typeof toId === 'number') {
    const known = await db._idMap.where('[entityType+tempId]').equals([type, fromId]).first();
    if (!known) {
      await db._idMap.add({
        entityType: type,
        tempId: fromId,
        serverId: toId,
        createdAt: parseTempId(fromId)?.timestamp ?? now,
        syncedAt: now,
      });
    }
  }
}

/** The server id a temp id was mapped to, if it was (call inside or outside a transaction). */
export async function mappedServerId(
  db: WampumsOfflineDB,
  type: EntityType,
  tempId: string,
): Promise<number | undefined> {
  const entry = await db._idMap.where('[entityType+tempId]').equals([type, tempId]).first();
  return entry?.serverId;
}
