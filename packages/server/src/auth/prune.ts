import type { Queryable } from '../db/database';

/**
 * Drops what sessions leave behind once it can no longer matter (run with the server's hourly
 * prune): sessions past their end (an ended one a day after, so a device still hears why),
 * expired live-stream tickets, sign-in failure counts whose window is over, and `clientId`
 * bindings unused since `clientsBefore` (the receipts they protected are pruned by then).
 */
export async function pruneAuth(db: Queryable, clientsBefore: Date): Promise<void> {
  await db.query(
    `DELETE FROM auth_sessions WHERE expires_at < clock_timestamp() - interval '1 day'
       OR revoked_at < clock_timestamp() - interval '1 day'`,
  );
  await db.query('DELETE FROM live_tickets WHERE expires_at < clock_timestamp()');
  await db.query('DELETE FROM login_failures WHERE window_ends_at < clock_timestamp()');
  await db.query('DELETE FROM sync_clients WHERE last_seen_at < $1', [clientsBefore]);
  // Rate-limit windows and stream leases of instances that stopped renewing them (migration 008).
  await db.query('DELETE FROM rate_limit_hits WHERE window_ends_at < clock_timestamp()');
  await db.query('DELETE FROM sync_live_streams WHERE expires_at < clock_timestamp()');
}
