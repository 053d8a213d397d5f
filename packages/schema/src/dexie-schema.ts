import { ENTITIES, ENTITY_TYPES, type EntityType } from './entities';

/** The name of the one IndexedDB database of the offline store. */
export const OFFLINE_DB_NAME = 'WampumsOfflineDB';

/** The four sync-infrastructure stores of the seed and their indexes. */
export const SYNC_STORES = {
  _outbox: {
    key: '++localId',
    indexes: ['entityType', 'entityId', 'operation', 'timestamp', 'status', '[status+timestamp]', 'authorId'],
  },
  _idMap: {
    key: '++id',
    indexes: ['entityType', 'tempId', 'serverId', '[entityType+tempId]', '[entityType+serverId]'],
  },
  _syncMeta: { key: 'key', indexes: [] },
  _conflicts: { key: '++id', indexes: ['entityType', 'entityId', 'resolvedAt'] },
} as const satisfies Record<string, { key: string; indexes: readonly string[] }>;

export type SyncStoreName = keyof typeof SYNC_STORES;
export type StoreName = EntityType | SyncStoreName;

/** Every entity store is keyed by `id` (a server id, or a temp id before its first sync). */
export const ENTITY_KEY = 'id';

/**
 * Dexie `version().stores()` strings for all 16 stores of `WampumsOfflineDB`, generated from
 * the declarations so that the local schema can never drift from the shared one.
 */
export function dexieStores(): Record<StoreName, string> {
  const stores = {} as Record<StoreName, string>;
  for (const type of ENTITY_TYPES) stores[type] = [ENTITY_KEY, ...ENTITIES[type].indexes].join(', ');
  for (const [name, def] of Object.entries(SYNC_STORES)) {
    stores[name as SyncStoreName] = [def.key, ...def.indexes].join(', ');
  }
  return stores;
}
