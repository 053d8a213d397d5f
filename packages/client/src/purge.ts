import type { WampumsOfflineDB } from './db';

export interface PurgeOptions {
  now: number;
  /** Synced outbox entries older than this are deleted, ms. */
  syncedRetentionMs: number;
  /** Settled conflicts older than this are deleted, ms. */
  conflictRetentionMs: number;
}

/**
 * Deletes synced outbox entries past their debugging retention and settled conflicts past
 * theirs. Unsynced entries and conflicts waiting for a person are never touched.
 */
export async function purgeSynced(db: WampumsOfflineDB, options: PurgeOptions): Promise<number> {
  const entryCutoff = options.now - options.syncedRetentionMs;
  const conflictCutoff = options.now - options.conflictRetentionMs;
  return db.transaction('rw', db._outbox, db._conflicts, async () => {
    const entries = await db._outbox
      .where('status')
      .equals('synced')
      .and((e) => (e.syncedAt ?? 0) <= entryCutoff)
      .primaryKeys();
    await db._outbox.bulkDelete(entries);
    // `resolvedAt` is null (unindexed) while a conflict waits: the range never reaches those.
    const conflicts = await db._conflicts.where('resolvedAt').belowOrEqual(conflictCutoff).primaryKeys();
    await db._conflicts.bulkDelete(conflicts);
    return entries.length + conflicts.length;
  });
}
