import type { EntityType } from '@wampums/schema';
import type { ClientOutboxEntry } from './coalesce';
import type { WampumsOfflineDB } from './db';
import { UNSYNCED_STATUSES } from './rebase';

/**
 * The unsynced outbox entries, loaded once inside a transaction and written back in one
 * `bulkPut`: settling a batch of push answers or a pulled page touches many entries, and one
 * read and one write per transaction keep it fast.
 */
export class UnsyncedIndex {
  private readonly byId = new Map<number, ClientOutboxEntry>();
  private readonly dirty = new Set<number>();
  private readonly removed = new Set<number>();

  private constructor(entries: ClientOutboxEntry[]) {
    for (const e of entries) if (e.localId !== undefined) this.byId.set(e.localId, e);
  }

  /** Loads every unsynced entry (call inside a transaction that includes `_outbox`). */
  static async load(db: WampumsOfflineDB): Promise<UnsyncedIndex> {
    return new UnsyncedIndex(await db._outbox.where('status').anyOf(UNSYNCED_STATUSES).toArray());
  }

  get(localId: number): ClientOutboxEntry | undefined {
    return this.byId.get(localId);
  }

  all(): ClientOutboxEntry[] {
    return [...this.byId.values()];
  }

  /** The still-unsettled entries of one record, oldest first. */
  pendingFor(type: EntityType, id: number | string, exceptLocalId?: number): ClientOutboxEntry[] {
    return this.all()
      .filter(
        (e) =>
          e.entityType === type &&
          e.entityId === id &&
          e.localId !== exceptLocalId &&
          UNSYNCED_STATUSES.includes(e.status),
      )
      .sort((a, b) => (a.localId ?? 0) - (b.localId ?? 0));
  }

  /** Keys `type:id` of every record with unsettled changes. */
  pendingKeys(): Set<string> {
    const keys = new Set<string>();
    for (const e of this.byId.values()) {
      if (UNSYNCED_STATUSES.includes(e.status)) keys.add(`${e.entityType}:${e.entityId}`);
    }
    return keys;
  }

  /**
   * The record's queued changes were made on top of a change the server has now settled: they
   * are based on the row it answered with, so they are not taken for conflicts with ourselves.
   */
  rebaseOnto(type: EntityType, id: number | string, row: Record<string, unknown> | null): void {
    if (!row || typeof row.updated_at !== 'string') return;
    for (const e of this.pendingFor(type, id)) {
      if (e.operation === 'create' || e.status === 'in_progress' || e.status === 'conflict') continue;
      this.put({ ...e, baseUpdatedAt: row.updated_at, baseEntity: row });
    }
  }

  put(entry: ClientOutboxEntry): void {
    if (entry.localId === undefined) throw new Error('an indexed outbox entry has a localId');
    this.byId.set(entry.localId, entry);
    this.dirty.add(entry.localId);
  }

  remove(localId: number): void {
    this.byId.delete(localId);
    this.dirty.delete(localId);
    this.removed.add(localId);
  }

  /** Writes the changed entries back (inside the same transaction). */
  async flush(db: WampumsOfflineDB): Promise<void> {
    const changed = [...this.dirty].flatMap((id) => {
      const e = this.byId.get(id);
      return e ? [e] : [];
    });
    if (changed.length > 0) await db._outbox.bulkPut(changed);
    if (this.removed.size > 0) await db._outbox.bulkDelete([...this.removed]);
    this.dirty.clear();
    this.removed.clear();
  }
}
