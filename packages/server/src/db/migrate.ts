import type { Database } from './database';
import { coreMigration } from './migrations/001-core';
import { entitiesMigration } from './migrations/002-entities';
import { receiptClientsMigration } from './migrations/003-receipt-clients';
import { medicationRulesMigration } from './migrations/004-medication-rules';
import { receiptRetentionMigration } from './migrations/004-receipt-retention';
import { sessionsMigration } from './migrations/005-sessions';
import { serverEpochMigration } from './migrations/006-server-epoch';
import { editTimesMigration } from './migrations/007-edit-times';
import { loadLimitsMigration } from './migrations/008-load-limits';

/** Every migration, in the order they apply. Append only. */
export const MIGRATIONS: readonly { id: string; sql: string }[] = [
  coreMigration,
  entitiesMigration,
  receiptClientsMigration,
  medicationRulesMigration,
  receiptRetentionMigration,
  sessionsMigration,
  serverEpochMigration,
  editTimesMigration,
  loadLimitsMigration,
];

/** Any fixed number: the advisory lock that serialises migrations of several starting instances. */
const MIGRATION_LOCK = 727_310_001;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction.
 * Returns the ids it applied (empty when the database was up to date).
 */
export async function migrate(db: Database): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz(3) NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
    )`);
    const done = new Set(
      (await tx.query<{ id: string }>('SELECT id FROM schema_migrations')).map((row) => row.id),
    );
    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
      applied.push(migration.id);
    }
    return applied;
  });
}
