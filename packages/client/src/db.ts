import {
  type ConflictRecord,
  type EntityType,
  type IdMapEntry,
  OFFLINE_DB_NAME,
  type OutboxEntry,
  type SyncMetaEntry,
} from '@wampums/schema';
import { Dexie, type Table } from 'dexie';
import {
  CURRENT_SCHEMA_VERSION,
  storesV1,
  storesV2,
  storesV3,
  upgradeV1toV2,
  upgradeV2toV3,
} from './db-versions';
import { type SealingState, sealingGuard } from './sealing-middleware';

/** A record of an entity store: the server row, or a local one whose ids may be temp ids. */
export type StoredRecord = Record<string, unknown> & { id: number | string };

/** Where IndexedDB comes from: the global one, or (Node, tests) an injected implementation. */
export interface IndexedDBDependencies {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/**
 * The one IndexedDB database of the seed, `WampumsOfflineDB`: 12 entity stores and the 4 sync
 * stores, with every version of the schema declared so that old devices upgrade in place.
 */
export class WampumsOfflineDB extends Dexie {
  declare _outbox: Table<OutboxEntry, number>;
  declare _idMap: Table<IdMapEntry, number>;
  declare _syncMeta: Table<SyncMetaEntry, string>;
  declare _conflicts: Table<ConflictRecord, number>;
  /** Locked: sensitive fields are sealed and may not be written in clear (`sealing.ts`). */
  readonly sealing: SealingState = { locked: false };

  constructor(name: string = OFFLINE_DB_NAME, deps: IndexedDBDependencies = {}) {
    // Dexie's liveQuery runs only when it sees a global IndexedDB. Where there is none (Node),
    // let it see the injected one; queries still use each database's own implementation.
    if (!Dexie.dependencies.indexedDB && deps.indexedDB) {
      Dexie.dependencies.indexedDB = deps.indexedDB;
      if (deps.IDBKeyRange) Dexie.dependencies.IDBKeyRange = deps.IDBKeyRange;
    }
    super(name, {
      ...(deps.indexedDB ? { indexedDB: deps.indexedDB } : {}),
      ...(deps.IDBKeyRange ? { IDBKeyRange: deps.IDBKeyRange } : {}),
    });
    this.version(1).stores(storesV1());
    this.version(2).stores(storesV2()).upgrade(upgradeV1toV2);
    this.version(CURRENT_SCHEMA_VERSION).stores(storesV3()).upgrade(upgradeV2toV3);
    this.use(sealingGuard(this.sealing));
  }

  /** The table of an entity store. */
  entity(type: EntityType): Table<StoredRecord, number | string> {
    return this.table(type);
  }
}
