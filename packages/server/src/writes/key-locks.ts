import { ENTITIES, isTempId } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { WriteRequest } from './write-types';

/**
 * The records a transaction of changes may contend on with another one: the natural key a
 * create takes (attendance per participant and date...) and the row an update or delete
 * changes. Four phones sending the same roll call in different orders would otherwise lock the
 * same rows in different orders and deadlock (docs/server.md, "Contention").
 */
export function contendedKeys(organizationId: number, requests: readonly WriteRequest[]): string[] {
  const keys = new Set<string>();
  for (const req of requests) {
    if (req.operation === 'create') {
      const natural = ENTITIES[req.entityType].naturalKey;
      const payload = req.payload as Record<string, unknown> | null;
      if (!natural || !payload || typeof payload !== 'object') continue;
      const values = natural.map((field) => payload[field]);
      // A value that is a temp id names a record created by this very device: nobody else's.
      if (values.some((v) => isTempId(v))) continue;
      keys.add(`${organizationId}:${req.entityType}:${JSON.stringify(values)}`);
    } else if (typeof req.entityId === 'number') {
      keys.add(`${organizationId}:${req.entityType}#${req.entityId}`);
    }
  }
  return [...keys].sort();
}

/**
 * Takes a transaction-scoped advisory lock on each contended key, all in one stable (sorted)
 * order, before the changes lock any row: two transactions over the same keys then queue up
 * instead of waiting on each other (a deadlock, 40P01). A hash collision only makes one wait.
 */
export async function lockContendedKeys(
  tx: Queryable,
  organizationId: number,
  requests: readonly WriteRequest[],
): Promise<void> {
  const keys = contendedKeys(organizationId, requests);
  if (keys.length === 0) return;
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
     FROM unnest($1::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n`,
    [keys],
  );
}
