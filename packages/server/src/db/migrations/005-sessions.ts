/**
 * Sessions that end (docs/server.md, "Sessions"): every access token names its session, which a
 * sign-out, a changed password, role or organization, or the user's removal ends for good. The
 * trigger on `users` is the one place those changes end sessions, whatever wrote them (the API,
 * an admin script, psql). Also: the single-use tickets that open a live stream (no token in a
 * URL), the sync `clientId` bound to the person who first pushed with it, and the failed
 * sign-ins per email and per address. Expired rows of all four are pruned (`auth/prune.ts`).
 */
export const sessionsMigration = {
  id: '005-sessions',
  sql: `
-- No foreign key to users: a removed user's sessions stay, ended with their reason, until pruned.
CREATE TABLE auth_sessions (
  id text PRIMARY KEY,
  user_id integer NOT NULL,
  organization_id integer NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  expires_at timestamptz(3) NOT NULL,
  revoked_at timestamptz(3),
  revoke_reason text
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX auth_sessions_expires_at ON auth_sessions (expires_at);

CREATE FUNCTION auth_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  reason text;
BEGIN
  IF TG_OP = 'DELETE' THEN
    reason := 'user_deleted';
  ELSIF NEW.organization_id IS DISTINCT FROM OLD.organization_id THEN
    reason := 'organization_changed';
  ELSIF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
    reason := 'password_changed';
  ELSIF NEW.role IS DISTINCT FROM OLD.role THEN
    reason := 'role_changed';
  ELSE
    RETURN NEW;
  END IF;
  UPDATE auth_sessions SET revoked_at = date_trunc('milliseconds', clock_timestamp()), revoke_reason = reason
    WHERE user_id = OLD.id AND revoked_at IS NULL;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_end_sessions AFTER UPDATE OF password_hash, role, organization_id OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION auth_end_sessions();

-- A ticket is kept as its SHA-256 only; taking it deletes it (single use).
CREATE TABLE live_tickets (
  ticket_hash text PRIMARY KEY,
  session_id text NOT NULL,
  expires_at timestamptz(3) NOT NULL
);
CREATE INDEX live_tickets_expires_at ON live_tickets (expires_at);

CREATE TABLE sync_clients (
  client_id text PRIMARY KEY,
  organization_id integer NOT NULL,
  user_id integer NOT NULL,
  last_seen_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
CREATE INDEX sync_clients_last_seen_at ON sync_clients (last_seen_at);

-- key: 'email:<normalised email>' or 'address:<ip>'.
CREATE TABLE login_failures (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_ends_at timestamptz(3) NOT NULL
);
CREATE INDEX login_failures_window_ends_at ON login_failures (window_ends_at);
`,
};
