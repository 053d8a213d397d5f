import type { EntityType } from '@wampums/schema';
import type { Queryable } from '../db/database';

const keyOf = (type: EntityType, tempId: string) => `${type}\u0000${tempId}`;

/**
 * The temp ids of one request: creates applied earlier in it, and creates that were not
 * applied (their dependants are skipped with `dependency_pending`).
 */
export class RequestTempIds {
  private readonly mapped = new Map<string, number>();
  private readonly failed = new Set<string>();

  remember(type: EntityType, tempId: string, serverId: number): void {
    this.mapped.set(keyOf(type, tempId), serverId);
    this.failed.delete(keyOf(type, tempId));
  }

  markFailed(type: EntityType, tempId: string): void {
    if (!this.mapped.has(keyOf(type, tempId))) this.failed.add(keyOf(type, tempId));
  }

  get(type: EntityType, tempId: string): number | undefined {
    return this.mapped.get(keyOf(type, tempId));
  }

  hasFailed(type: EntityType, tempId: string): boolean {
    return this.failed.has(keyOf(type, tempId));
  }
}

/** The server id a temp id was mapped to for this organization, if any. */
export async function lookupTempId(
  tx: Queryable,
  organizationId: number,
  type: EntityType,
  tempId: string,
): Promise<number | null> {
  const rows = await tx.query<{ server_id: number }>(
    'SELECT server_id FROM sync_temp_ids WHERE organization_id = $1 AND entity_type = $2 AND temp_id = $3',
    [organizationId, type, tempId],
  );
  return rows[0]?.server_id ?? null;
}

/**
 * Records temp id → server id. Returns false when a concurrent create of the same temp id
 * (under another correlationId) got there first: the caller retries and answers `duplicate`.
 */
export async function recordTempId(
  tx: Queryable,
  organizationId: number,
  type: EntityType,
  tempId: string,
  serverId: number,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO sync_temp_ids (organization_id, entity_type, temp_id, server_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING RETURNING server_id`,
    [organizationId, type, tempId, serverId],
  );
  return rows.length === 1;
}
