/**
 * The server's identity (docs/sync-protocol.md, "Recovery"): an epoch made once with the
 * database. Pull cursors carry it, so a cursor of another database (another server, or one
 * re-created) answers a full refresh instead of being read against the wrong change log.
 */
export const serverEpochMigration = {
  id: '006-server-epoch',
  sql: `
CREATE TABLE sync_server_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', ''),
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
INSERT INTO sync_server_epoch DEFAULT VALUES;
`,
};
