import type { EntityType } from './entities';
import type { Dependency, Operation, PushResult, WireError } from './protocol';
import type { TempId } from './temp-id';

/** The life of an outbox entry (seed, section 3). */
export type OutboxStatus = 'pending' | 'in_progress' | 'synced' | 'failed' | 'conflict';

/** One tracked local change, written in the same transaction as the entity change. */
export interface OutboxEntry {
  localId?: number;
  correlationId: string;
  entityType: EntityType;
  /** Server id, or temp id while the entity is unsynced. */
  entityId: number | TempId;
  /** The temp id the entity was created with offline, `null` otherwise. */
  tempId: TempId | null;
  operation: Operation;
  /** Unix ms when the change was made (device clock). */
  timestamp: number;
  /**
   * When later edits merged into this entry: the time (Unix ms, device clock) each field of
   * `payload` was last set (`mergedFieldTimes`), so a field keeps its own edit time. Absent:
   * every field at `timestamp`.
   */
  fieldTimes?: Record<string, number>;
  /** Full entity for create, patch for update, `null` for delete. */
  payload: Record<string, unknown> | null;
  dependencies: Dependency[];
  status: OutboxStatus;
  retryCount: number;
  lastError: WireError | null;
  serverResponse: PushResult | null;
  /** The server `updated_at` the edit was based on (update and delete). */
  baseUpdatedAt?: string | null;
  /** The record as it was before the first pending edit: lets a field-level merge see what changed. */
  baseEntity?: Record<string, unknown> | null;
  /** Unix ms before which a failed entry is not retried (exponential backoff). */
  nextAttemptAt?: number;
  /** Unix ms when it was synced; synced entries are purged after a retention period. */
  syncedAt?: number;
  /**
   * The person who made the change (docs/architecture.md, "Who made a change"): only a push
   * under that person's session sends it. Absent on entries written by versions before 3 that
   * no session could be attributed to: the next signed-in person sends them.
   */
  authorId?: number;
  /** The organization of `authorId`. */
  authorOrganizationId?: number;
  /** The author's name, for the screens that say whose changes wait. */
  authorName?: string;
}

/** Who makes local changes: the signed-in person, as outbox entries record them. */
export interface OutboxAuthor {
  id: number;
  organizationId: number;
  name?: string;
}

/** One temp id → server id mapping (seed, section 4). */
export interface IdMapEntry {
  id?: number;
  entityType: EntityType;
  tempId: TempId;
  serverId: number;
  createdAt: number;
  syncedAt: number;
}

/** A key/value record of `_syncMeta`. */
export interface SyncMetaEntry<T = unknown> {
  key: string;
  value: T;
}

/** The keys of `_syncMeta` the client uses. */
export const SYNC_META_KEYS = {
  cursor: 'pullCursor',
  lastSyncAt: 'lastSyncAt',
  lastPullAt: 'lastPullAt',
  clockOffset: 'clockOffsetMs',
  clientId: 'clientId',
  schemaVersion: 'schemaVersion',
  session: 'session',
  syncState: 'syncState',
} as const;

/**
 * The value of `_syncMeta.syncState` (docs/sync-protocol.md, "Versions"): what the device met
 * that an older client tolerates rather than fails on, and what the server asked of it.
 */
export interface SyncStateRecord {
  /** Pulled changes this client could not read (a later entity type or operation), skipped. */
  skippedPullChanges: number;
  /** Push results of a status this client does not know, handled as `skipped` (sent again). */
  unknownPushResults: number;
  /** The last full refresh the server asked for, with its `fullRefreshReason`. */
  lastFullRefresh: { at: number; reason: string } | null;
  /** Set while the server no longer serves this client's protocol (426 `upgrade_required`). */
  upgradeRequired: { at: number; minimumProtocol: number | null } | null;
}

export const INITIAL_SYNC_STATE: SyncStateRecord = {
  skippedPullChanges: 0,
  unknownPushResults: 0,
  lastFullRefresh: null,
  upgradeRequired: null,
};

/** How a conflict was settled. */
export type ConflictResolution =
  | 'merged'
  | 'local-wins'
  | 'server-wins'
  | 'status-escalated'
  | 'created'
  | 'pending-user'
  | 'user-local'
  | 'user-server'
  | 'user-merged';

/** A record of `_conflicts`: every conflict, auto-resolved or left for a person. */
export interface ConflictRecord {
  id?: number;
  entityType: EntityType;
  entityId: number | TempId;
  correlationId: string;
  /** What this device wanted (the pending patch, or the full local record). */
  localVersion: Record<string, unknown> | null;
  /** The row on the server at the time of the conflict (`null` when it was deleted). */
  serverVersion: Record<string, unknown> | null;
  /** The record before the local edit, when known. */
  baseVersion: Record<string, unknown> | null;
  /**
   * When and by whom the local change was made (`at`: Unix ms on the server's clock, as the
   * decision compared it); the server side's is the server version's `edited_at`/`edited_by`
   * (`rowEditOf`). Absent on conflicts recorded before edit times.
   */
  localEdit?: { at: number; by: number | null; name: string | null };
  strategy: string;
  resolution: ConflictResolution;
  /** The fields that ended up on the record. */
  resolvedVersion: Record<string, unknown> | null;
  detectedAt: number;
  /** Unix ms when settled; `null` while it waits for a person (never indexed until then). */
  resolvedAt: number | null;
}
