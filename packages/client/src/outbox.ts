import type { OutboxEntry } from '@wampums/schema';
import type { ClientOutboxEntry } from './coalesce';
import { restoreCascade } from './conflicts';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { OfflineStoreError } from './errors';
import { rebase, UNSYNCED_STATUSES } from './rebase';
import { knownServerRow } from './server-shadow';
import { UnsyncedIndex } from './unsynced-index';

/** Outbox entries with one of `statuses`, oldest first. */
export async function listOutbox(
  db: WampumsOfflineDB,
  statuses: OutboxEntry['status'][] = UNSYNCED_STATUSES,
): Promise<OutboxEntry[]> {
  const entries = await db._outbox.where('status').anyOf(statuses).toArray();
  return entries.sort((a, b) => (a.localId ?? 0) - (b.localId ?? 0));
}

/** Queues a failed entry again, now, without its backoff. */
export async function retryEntry(db: WampumsOfflineDB, localId: number): Promise<void> {
  await db.transaction('rw', db._outbox, async () => {
    const entry = await db._outbox.get(localId);
    if (!entry) throw new OfflineStoreError('not_found', `outbox entry ${localId} does not exist`);
    if (entry.status !== 'failed')
      throw new OfflineStoreError('conflict', `outbox entry ${localId} has not failed`);
    await db._outbox.put({ ...entry, status: 'pending', nextAttemptAt: undefined });
  });
}

/**
 * Drops an unsynced change. The record goes back to the newest version seen from the server
 * (with the record's other pending changes on top; gone if the server deleted it); a discarded
 * create removes the record, and the changes that depended on it, which could never be sent.
 */
export async function discardEntry(db: WampumsOfflineDB, localId: number): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    const index = await UnsyncedIndex.load(db);
    const entry = index.get(localId);
    if (!entry) throw new OfflineStoreError('not_found', `outbox entry ${localId} is not unsynced`);
    if (entry.status === 'in_progress') {
      throw new OfflineStoreError('conflict', 'this change is being sent right now: try again after sync');
    }
    await drop(db, index, entry);
    await index.flush(db);
  });
}

async function drop(db: WampumsOfflineDB, index: UnsyncedIndex, entry: ClientOutboxEntry): Promise<void> {
  // Read before the entry leaves the index: its own shadow counts too.
  const known = knownServerRow(index, entry);
  index.remove(entry.localId as number);
  const table = db.entity(entry.entityType);
  if (entry.operation === 'create') {
    await table.delete(entry.entityId);
    for (const other of index.all()) {
      if (other.dependencies.some((d) => d.tempId === entry.entityId)) await drop(db, index, other);
    }
    return;
  }
  // A discarded delete also undoes its local cascade: a full refresh brings the children back.
  if (entry.operation === 'delete') await restoreCascade(db);
  // The newest server version seen, not the one the change was made on: pulls since then have
  // moved the cursor past the newer one, which would otherwise never come back.
  const base =
    known === undefined ? ((await table.get(entry.entityId)) ?? null) : (known as StoredRecord | null);
  const record = rebase(base, index.pendingFor(entry.entityType, entry.entityId));
  if (record) await table.put(record);
  else await table.delete(entry.entityId);
}
