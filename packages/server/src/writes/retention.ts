import type { Queryable } from '../db/database';

/**
 * How long receipts and temp ids are kept (`docs/privacy.md`). A device retries a change whose
 * answer it never got with the same correlationId and temp id; for as long as both are kept,
 * the retry is answered `duplicate` and written once. 90 days covers a phone left offline for
 * weeks, and then some; never less than 30.
 */
export const RECEIPT_RETENTION_DAYS = { default: 90, min: 30 } as const;

/**
 * Removes receipts and temp-id mappings older than `olderThan`, on the same rule: after that a
 * retried change is handled as a new one. Returns how many of each went.
 */
export async function pruneReceipts(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  olderThan: Date,
): Promise<{ receipts: number; tempIds: number }> {
  return db.transaction(async (tx) => {
    const at = olderThan.toISOString();
    const receipts = await tx.query('DELETE FROM sync_receipts WHERE created_at < $1 RETURNING 1', [at]);
    const tempIds = await tx.query('DELETE FROM sync_temp_ids WHERE created_at < $1 RETURNING 1', [at]);
    return { receipts: receipts.length, tempIds: tempIds.length };
  });
}
