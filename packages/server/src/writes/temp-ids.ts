import { type EntityType, foreignKeysOf, isTempId } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { WriteRequest } from './write-types';

const keyOf = (type: EntityType, tempId: string) => `${type}\u0000${tempId}`;

/**
 * The temp ids of one request: creates applied earlier in it, creates that were not applied
 * (their dependants are skipped with `dependency_pending`), and the organization's stored map
 * for every temp id the request names, read once up front ({@link RequestTempIds.preload}).
 */
export class RequestTempIds {
  private readonly mapped = new Map<string, number>();
  private readonly failed = new Set<string>();
  /** sync_temp_ids as read by `preload`: a server id, or null when it was not mapped then. */
  private readonly stored = new Map<string, number | null>();

  remember(type: EntityType, tempId: string, serverId: number): void {
    this.mapped.set(keyOf(type, tempId), serverId);
    this.failed.delete(keyOf(type, tempId));
  }

  markFailed(type: EntityType, tempId: string): void {
    if (!this.mapped.has(keyOf(type, tempId))) this.failed.add(keyOf(type, tempId));
  }

  /** The server id a create earlier in this request got (not the stored map). */
  get(type: EntityType, tempId: string): number | undefined {
    return this.mapped.get(keyOf(type, tempId));
  }

  hasFailed(type: EntityType, tempId: string): boolean {
    return this.failed.has(keyOf(type, tempId));
  }

  /**
   * Reads the stored mapping of every temp id `requests` name (their own, their targets, their
   * dependencies and foreign keys) in one query, instead of one query per lookup.
   */
  async preload(tx: Queryable, organizationId: number, requests: readonly WriteRequest[]): Promise<void> {
    const wanted = new Map<string, [EntityType, string]>();
    const want = (type: EntityType, value: unknown) => {
      if (typeof value !== 'string' || !isTempId(value)) return;
      const key = keyOf(type, value);
      if (!this.mapped.has(key) && !this.stored.has(key)) wanted.set(key, [type, value]);
    };
    for (const req of requests) {
      want(req.entityType, req.tempId);
      want(req.entityType, req.entityId);
      for (const dep of req.dependencies) want(dep.entityType, dep.tempId);
      const payload = req.payload;
      if (payload === null || typeof payload !== 'object') continue;
      for (const fk of foreignKeysOf(req.entityType)) {
        want(fk.references, (payload as Record<string, unknown>)[fk.field]);
      }
    }
    if (wanted.size === 0) return;
    const pairs = [...wanted.values()];
    const rows = await tx.query<{ entity_type: EntityType; temp_id: string; server_id: number }>(
      `SELECT entity_type, temp_id, server_id FROM sync_temp_ids
       WHERE organization_id = $1
         AND (entity_type, temp_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [organizationId, pairs.map(([type]) => type), pairs.map(([, tempId]) => tempId)],
    );
    for (const key of wanted.keys()) this.stored.set(key, null);
    for (const row of rows) this.stored.set(keyOf(row.entity_type, row.temp_id), row.server_id);
  }

  /**
   * The server id of a temp id: from this request, else from the organization's map (as
   * preloaded, or read now for a temp id the preload did not cover).
   */
  async lookup(
    tx: Queryable,
    organizationId: number,
    type: EntityType,
    tempId: string,
  ): Promise<number | null> {
    const key = keyOf(type, tempId);
    const known = this.mapped.get(key) ?? this.stored.get(key);
    if (known !== undefined) return known;
    const found = await lookupTempId(tx, organizationId, type, tempId);
    this.stored.set(key, found);
    return found;
  }

  /** Drops what the preload said about a temp id a concurrent request has just mapped. */
  forget(type: EntityType, tempId: string): void {
    this.stored.delete(keyOf(type, tempId));
  }

  /** What is known now, for {@link restore} when the writes that follow are rolled back. */
  checkpoint(): () => void {
    const mapped = new Map(this.mapped);
    const failed = new Set(this.failed);
    const stored = new Map(this.stored);
    return () => {
      this.mapped.clear();
      for (const [k, v] of mapped) this.mapped.set(k, v);
      this.failed.clear();
      for (const k of failed) this.failed.add(k);
      this.stored.clear();
      for (const [k, v] of stored) this.stored.set(k, v);
    };
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

/** One temp id → server id mapping to record. */
export interface TempIdRecord {
  type: EntityType;
  tempId: string;
  serverId: number;
}

/**
 * Records several distinct temp ids in one statement. Returns false when any of them was
 * already mapped (a concurrent create of the same temp id got there first).
 */
export async function recordTempIds(
  tx: Queryable,
  organizationId: number,
  records: readonly TempIdRecord[],
): Promise<boolean> {
  if (records.length === 0) return true;
  const rows = await tx.query(
    `INSERT INTO sync_temp_ids (organization_id, entity_type, temp_id, server_id)
     SELECT $1, r.entity_type, r.temp_id, r.server_id
     FROM unnest($2::text[], $3::text[], $4::int[]) AS r(entity_type, temp_id, server_id)
     ON CONFLICT DO NOTHING RETURNING server_id`,
    [
      organizationId,
      records.map((r) => r.type),
      records.map((r) => r.tempId),
      records.map((r) => r.serverId),
    ],
  );
  return rows.length === records.length;
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
