import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

/** The stored first answer to a correlationId. */
export interface Receipt {
  entity_type: string | null;
  temp_id: string | null;
  server_id: number | null;
  entity: Row | null;
}

/**
 * Claims a correlationId inside the change's transaction. Returns `null` when this transaction
 * now owns it, or the first answer when it was already handled. A concurrent twin blocks on the
 * primary key until the owner commits (then it reads the answer) or rolls back (then it owns it).
 */
export async function claimReceipt(
  tx: Queryable,
  organizationId: number,
  correlationId: string,
): Promise<Receipt | null> {
  const claimed = await tx.query(
    `INSERT INTO sync_receipts (organization_id, correlation_id) VALUES ($1, $2)
     ON CONFLICT DO NOTHING RETURNING correlation_id`,
    [organizationId, correlationId],
  );
  if (claimed.length === 1) return null;
  const [receipt] = await tx.query<Receipt>(
    `SELECT entity_type, temp_id, server_id, entity FROM sync_receipts
     WHERE organization_id = $1 AND correlation_id = $2`,
    [organizationId, correlationId],
  );
  return receipt ?? null;
}

/** Stores the answer of an applied change on its claimed receipt (same transaction). */
export async function completeReceipt(
  tx: Queryable,
  organizationId: number,
  correlationId: string,
  answer: { entityType: string; tempId: string | null; serverId: number; entity: Row | null },
): Promise<void> {
  await tx.query(
    `UPDATE sync_receipts SET entity_type = $3, temp_id = $4, server_id = $5, entity = $6::jsonb
     WHERE organization_id = $1 AND correlation_id = $2`,
    [
      organizationId,
      correlationId,
      answer.entityType,
      answer.tempId,
      answer.serverId,
      answer.entity === null ? null : JSON.stringify(answer.entity),
    ],
  );
}
