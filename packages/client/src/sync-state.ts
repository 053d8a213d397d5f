import { INITIAL_SYNC_STATE, SYNC_META_KEYS, type SyncStateRecord } from '@wampums/schema';
import type { WampumsOfflineDB } from './db';

/** `_syncMeta.syncState` as stored, or the initial one. */
export async function readSyncState(db: WampumsOfflineDB): Promise<SyncStateRecord> {
  const stored = (await db._syncMeta.get(SYNC_META_KEYS.syncState))?.value as
    | Partial<SyncStateRecord>
    | undefined;
  return { ...INITIAL_SYNC_STATE, ...(stored ?? {}) };
}

/** Changes `_syncMeta.syncState` in one transaction (a pull and a push may both count). */
export async function updateSyncState(
  db: WampumsOfflineDB,
  change: (state: SyncStateRecord) => SyncStateRecord,
): Promise<SyncStateRecord> {
  return db.transaction('rw', db._syncMeta, async () => {
    const next = change(await readSyncState(db));
    await db._syncMeta.put({ key: SYNC_META_KEYS.syncState, value: next });
    return next;
  });
}
