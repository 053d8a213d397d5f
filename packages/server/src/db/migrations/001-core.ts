/**
 * Organizations, users, and the sync bookkeeping: receipts (deduplication), the temp-id map,
 * the change log that pull reads, and the two trigger functions every entity table uses.
 */
export const coreMigration = {
  id: '001-core',
  sql: `
CREATE TABLE organizations (
  id serial PRIMARY KEY,
  name text NOT NULL,
  locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('fr', 'en')),
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  updated_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);

CREATE TABLE users (
  id serial PRIMARY KEY,
  organization_id integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'leader', 'viewer')),
  password_hash text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  updated_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  UNIQUE (organization_id, id)
);

-- The first answer to each correlationId / Idempotency-Key, per organization. The row is
-- claimed inside the change's own transaction, so a racing twin waits on the primary key.
CREATE TABLE sync_receipts (
  organization_id integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  correlation_id text NOT NULL,
  entity_type text,
  temp_id text,
  server_id integer,
  entity jsonb,
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (organization_id, correlation_id)
);

-- Temp id → server id, per organization: a child retried after its parent's answer was lost
-- still resolves, and a create retried under a new correlationId is not written twice.
CREATE TABLE sync_temp_ids (
  organization_id integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  entity_type text NOT NULL,
  temp_id text NOT NULL,
  server_id integer NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
  PRIMARY KEY (organization_id, entity_type, temp_id)
);

-- Every committed write of every entity row, deletes included (cascaded ones too: they fire
-- the same trigger). xid is the writing transaction: pull orders by (xid, seq) and reads only
-- below the oldest running transaction, so a late commit can never be skipped.
CREATE TABLE sync_change_log (
  seq bigserial PRIMARY KEY,
  organization_id integer NOT NULL,
  entity_type text NOT NULL,
  entity_id integer NOT NULL,
  op text NOT NULL CHECK (op IN ('upsert', 'delete')),
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  changed_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
);
CREATE INDEX sync_change_log_position ON sync_change_log (organization_id, xid, seq);
CREATE INDEX sync_change_log_changed_at ON sync_change_log (changed_at);

-- The newest log position removed by pruning: a cursor at or before it gets fullRefresh.
CREATE TABLE sync_log_horizon (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  xid xid8 NOT NULL,
  seq bigint NOT NULL,
  pruned_at timestamptz(3) NOT NULL
);

-- Server-owned timestamps: ms precision, UTC, and updated_at strictly increasing per row even
-- when two writes land in the same millisecond. id and organization_id never change.
CREATE FUNCTION sync_touch_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.created_at := date_trunc('milliseconds', clock_timestamp());
    NEW.updated_at := NEW.created_at;
  ELSE
    NEW.id := OLD.id;
    NEW.organization_id := OLD.organization_id;
    NEW.created_at := OLD.created_at;
    NEW.updated_at := greatest(date_trunc('milliseconds', clock_timestamp()),
                               OLD.updated_at + interval '1 millisecond');
  END IF;
  RETURN NEW;
END $$;

-- Logs the write and wakes the live channel of every server instance. NOTIFY is delivered at
-- commit (never for a rolled-back write) and identical payloads in one transaction fold into one.
CREATE FUNCTION sync_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  org integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    org := OLD.organization_id;
    INSERT INTO sync_change_log (organization_id, entity_type, entity_id, op)
      VALUES (org, TG_TABLE_NAME, OLD.id, 'delete');
  ELSE
    org := NEW.organization_id;
    INSERT INTO sync_change_log (organization_id, entity_type, entity_id, op)
      VALUES (org, TG_TABLE_NAME, NEW.id, 'upsert');
  END IF;
  PERFORM pg_notify('wampums_changes', org::text || ':' || pg_current_xact_id()::text);
  RETURN NULL;
END $$;
`,
};
