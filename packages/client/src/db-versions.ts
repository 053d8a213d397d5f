import { dexieStores, type EntityType, type StoreName, SYNC_META_KEYS } from '@wampums/schema';
import type { Transaction } from 'dexie';

/**
 * Every version of the local schema, oldest first. Dexie upgrades a device from whatever
 * version it holds by running each later version's upgrade in turn, keeping the data.
 * Never edit a released version: add a new one.
 */

/**
 * The entity stores of versions 1 and 2, frozen as they shipped (commit 637e907): a later
 * change to the schema package's declaration must come as a new version, never change these.
 */
const RELEASED_ENTITY_STORES = {
  groups: 'id, organization_id',
  participants: 'id, organization_id, group_id, [organization_id+group_id]',
  activities: 'id, organization_id, activity_date',
  badge_templates: 'id, organization_id',
  attendance: 'id, participant_id, date, [participant_id+date], organization_id',
  honors: 'id, participant_id, organization_id, created_at',
  points: 'id, participant_id, honor_id',
  badge_progress: 'id, participant_id, badge_template_id, status',
  medication_requirements: 'id, participant_id, organization_id',
  medication_distributions: 'id, medication_requirement_id, participant_id, scheduled_for',
  carpool_offers: 'id, activity_id, user_id',
  carpool_assignments: 'id, carpool_offer_id, participant_id',
} as const satisfies Record<EntityType, string>;

/**
 * Version 1, as first released: sync stores without their compound indexes, and outbox entries
 * that counted `attempts` and kept `error` as text.
 */
export function storesV1(): Record<StoreName, string> {
  return {
    ...RELEASED_ENTITY_STORES,
    _outbox: '++localId, entityType, entityId, operation, timestamp, status',
    _idMap: '++id, entityType, tempId, serverId',
    _syncMeta: 'key',
    _conflicts: '++id, entityType, entityId',
  };
}

/** Version 2: the seed's full index set, as released (the outbox without its author index). */
export function storesV2(): Record<StoreName, string> {
  return {
    ...RELEASED_ENTITY_STORES,
    _outbox: '++localId, entityType, entityId, operation, timestamp, status, [status+timestamp]',
    _idMap: '++id, entityType, tempId, serverId, [entityType+tempId], [entityType+serverId]',
    _syncMeta: 'key',
    _conflicts: '++id, entityType, entityId, resolvedAt',
  };
}

/**
 * Version 3: outbox entries record their author, indexed (generated from the schema package;
 * the released-schema test fails if that declaration changes without a new version).
 */
export function storesV3(): Record<StoreName, string> {
  return dexieStores();
}

/**
 * 1 → 2: outbox entries get the seed's field names (`retryCount`, structured `lastError`,
 * `serverResponse`, `dependencies`), and unsettled conflicts get an explicit `resolvedAt: null`.
 */
export async function upgradeV1toV2(tx: Transaction): Promise<void> {
  await tx
    .table('_outbox')
    .toCollection()
    .modify((entry: Record<string, unknown>) => {
      entry.retryCount = typeof entry.attempts === 'number' ? entry.attempts : (entry.retryCount ?? 0);
      const error = entry.error;
      entry.lastError =
        typeof error === 'string' && error.length > 0
          ? { code: 'internal_error', message: error }
          : (entry.lastError ?? null);
      entry.serverResponse ??= null;
      entry.dependencies ??= [];
      entry.tempId ??= null;
      delete entry.attempts;
      delete entry.error;
    });
  await tx
    .table('_conflicts')
    .toCollection()
    .modify((record: Record<string, unknown>) => {
      record.resolvedAt ??= null;
      record.resolution ??= record.resolvedAt === null ? 'pending-user' : 'server-wins';
    });
}

/**
 * 2 → 3: entries written before authors were recorded are attributed to the session kept in
 * `_syncMeta` when the upgraded database first opens: the person last signed in on the device,
 * who made them unless the device changed hands under an older version. With no session kept,
 * they stay without an author and the next person to sync sends them (docs/architecture.md).
 */
export async function upgradeV2toV3(tx: Transaction): Promise<void> {
  const session = (await tx.table('_syncMeta').get(SYNC_META_KEYS.session))?.value as
    | { id?: unknown; organizationId?: unknown; name?: unknown }
    | undefined;
  if (typeof session?.id !== 'number' || typeof session.organizationId !== 'number') return;
  const { id, organizationId, name } = session;
  await tx
    .table('_outbox')
    .toCollection()
    .modify((entry: Record<string, unknown>) => {
      if (entry.authorId !== undefined) return;
      entry.authorId = id;
      entry.authorOrganizationId = organizationId;
      if (typeof name === 'string') entry.authorName = name;
    });
}

/** The version the current code writes. */
export const CURRENT_SCHEMA_VERSION = 3;
