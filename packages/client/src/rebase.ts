import type { OutboxEntry } from '@wampums/schema';
import type { StoredRecord } from './db';

/**
 * The record a user should see: the server's row with the device's unsynced changes replayed
 * on top, oldest first. `null` when a pending delete removes it. Pulls and push answers go
 * through this, so they never overwrite a pending local edit.
 */
export function rebase(serverRow: StoredRecord | null, pending: readonly OutboxEntry[]): StoredRecord | null {
  let row = serverRow;
  for (const entry of [...pending].sort((a, b) => (a.localId ?? 0) - (b.localId ?? 0))) {
    if (entry.operation === 'delete') row = null;
    else if (row !== null && entry.payload) row = { ...row, ...entry.payload, id: row.id };
  }
  return row;
}

/** The outbox statuses of changes not yet settled with the server. */
export const UNSYNCED_STATUSES: OutboxEntry['status'][] = ['pending', 'in_progress', 'failed', 'conflict'];
