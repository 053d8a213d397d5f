/**
 * Receipts name the device that pushed the change and what it did, and are found by the row
 * they answered: a pull given a `clientId` leaves out the row versions that device already
 * holds from its push answers.
 */
export const receiptClientsMigration = {
  id: '003-receipt-clients',
  sql: `
ALTER TABLE sync_receipts
  ADD COLUMN client_id text,
  ADD COLUMN operation text CHECK (operation IN ('create', 'update', 'delete'));
CREATE INDEX sync_receipts_entity ON sync_receipts (organization_id, entity_type, server_id);
`,
};
