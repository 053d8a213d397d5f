import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

/**
 * What is kept of the first answer to a correlationId: its ids and the version of the row it
 * answered with (`null` for a delete), never the row itself (`docs/privacy.md`).
 */
export interface Receipt {
  entity_type: string | null;
  temp_id: string | null;
  server_id: number | null;
  entity_updated_at: string | null;
}

/** The answer of an applied change, stored on its claimed receipt. */
export interface ReceiptAnswer {
  correlationId: string;
  /** The device that pushed it (push `clientId`); `null` over REST. */
  clientId: string | null;
  operation: 'create' | 'update' | 'delete';
  entityType: string;
  tempId: string | null;
  serverId: number;
  /** The answered row: only its `updated_at` is stored. */
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
    `SELECT entity_type, temp_id, server_id, entity_updated_at FROM sync_receipts
     WHERE organization_id = $1 AND correlation_id = $2`,
    [organizationId, correlationId],
  );
  return receipt ?? null;
}

/**
 * {@link claimReceipt} for several distinct correlationIds in one statement, in the order given
 * (a racing twin sends the same order, so it waits on the first one while holding none).
 * Returns the first answers of those already handled; every other one is now owned by this
 * transaction. Undefined when a key that was taken has no receipt any more (the caller claims
 * them one by one instead).
 */
export async function claimReceipts(
  tx: Queryable,
  organizationId: number,
  correlationIds: readonly string[],
): Promise<Map<string, Receipt> | undefined> {
  const claimed = await tx.query<{ correlation_id: string }>(
    `INSERT INTO sync_receipts (organization_id, correlation_id)
     SELECT $1, k.id FROM unnest($2::text[]) WITH ORDINALITY AS k(id, n) ORDER BY k.n
     ON CONFLICT DO NOTHING RETURNING correlation_id`,
    [organizationId, correlationIds],
  );
  const answers = new Map<string, Receipt>();
  if (claimed.length === correlationIds.length) return answers;
  const mine = new Set(claimed.map((row) => row.correlation_id));
  const taken = correlationIds.filter((id) => !mine.has(id));
  const rows = await tx.query<Receipt & { correlation_id: string }>(
    `SELECT correlation_id, entity_type, temp_id, server_id, entity_updated_at FROM sync_receipts
     WHERE organization_id = $1 AND correlation_id = ANY($2::text[])`,
    [organizationId, taken],
  );
  for (const { correlation_id, ...receipt } of rows) answers.set(correlation_id, receipt);
  return answers.size === taken.length ? answers : undefined;
}

/** Stores the answer of an applied change on its claimed receipt (same transaction). */
export async function completeReceipt(
  tx: Queryable,
  organizationId: number,
  answer: ReceiptAnswer,
): Promise<void> {
  await completeReceipts(tx, organizationId, [answer]);
}

/** Stores the answers of applied changes on their claimed receipts, in one statement. */
export async function completeReceipts(
  tx: Queryable,
  organizationId: number,
  answers: readonly ReceiptAnswer[],
): Promise<void> {
  if (answers.length === 0) return;
  await tx.query(
    `UPDATE sync_receipts AS r
     SET entity_type = a.entity_type, temp_id = a.temp_id, server_id = a.server_id,
       entity_updated_at = a.entity_updated_at, client_id = a.client_id, operation = a.operation
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::text[], $8::text[])
       AS a(correlation_id, entity_type, temp_id, server_id, entity_updated_at, client_id, operation)
     WHERE r.organization_id = $1 AND r.correlation_id = a.correlation_id`,
    [
      organizationId,
      answers.map((a) => a.correlationId),
      answers.map((a) => a.entityType),
      answers.map((a) => a.tempId),
      answers.map((a) => a.serverId),
      answers.map((a) => (a.entity?.updated_at as string | undefined) ?? null),
      answers.map((a) => a.clientId),
      answers.map((a) => a.operation),
    ],
  );
}
