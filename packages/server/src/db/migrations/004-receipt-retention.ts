/**
 * Receipts keep what deduplication needs, not whole rows (`docs/privacy.md`): the answer's ids,
 * what it did, and the version it answered with (`entity_updated_at`, which the echo-free pull
 * compares). Receipts and temp ids are pruned by age (`created_at`); see `writes/retention.ts`.
 */
export const receiptRetentionMigration = {
  id: '004-receipt-retention',
  sql: `
ALTER TABLE sync_receipts ADD COLUMN entity_updated_at timestamptz(3);
UPDATE sync_receipts SET entity_updated_at = (entity->>'updated_at')::timestamptz WHERE entity IS NOT NULL;
ALTER TABLE sync_receipts DROP COLUMN entity;
CREATE INDEX sync_receipts_created_at ON sync_receipts (created_at);
CREATE INDEX sync_temp_ids_created_at ON sync_temp_ids (created_at);
`,
};
