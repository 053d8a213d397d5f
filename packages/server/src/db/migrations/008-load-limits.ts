/**
 * Limits that hold across server instances on one database (docs/server.md, "Load and
 * fairness"): the live streams open per user, as leases each instance renews while its streams
 * are open (a killed instance's leases lapse on their own), and the request counts of the rate
 * limit, by the SHA-256 of their key (a user id or a client address is never stored as is).
 */
export const loadLimitsMigration = {
  id: '008-load-limits',
  sql: `
CREATE TABLE sync_live_streams (
  id text PRIMARY KEY,
  user_id integer NOT NULL,
  organization_id integer NOT NULL,
  instance_id text NOT NULL,
  opened_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  expires_at timestamptz(3) NOT NULL
);
CREATE INDEX sync_live_streams_user ON sync_live_streams (user_id, expires_at);
CREATE INDEX sync_live_streams_instance ON sync_live_streams (instance_id);

CREATE TABLE rate_limit_hits (
  key_hash text PRIMARY KEY,
  hits integer NOT NULL,
  window_ends_at timestamptz(3) NOT NULL
);
CREATE INDEX rate_limit_hits_window_ends_at ON rate_limit_hits (window_ends_at);
`,
};
