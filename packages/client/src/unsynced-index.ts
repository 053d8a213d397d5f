import { type EntityType, isTempId } from '@wampums/schema';
import type { ClientOutboxEntry } from './coalesce';
import type { WampumsOfflineDB } from './db';
import { UNSYNCED_STATUSES } from './rebase';
import { newestServerRow, type ServerRow } from './server-shadow';

/** Every temp id an entry names: its record's, its payload's foreign keys', its dependencies'. */
function tempIdsOf(entry: ClientOutboxEntry): string[] {
  const ids = new Set<string>();
  if (isTempId(entry.entityId)) ids.add(entry.entityId);
  for (const value of Object.values(entry.payload ?? {})) if (isTempId(value)) ids.add(value);
  for (const d of entry.dependencies) ids.add(d.tempId);
  return [...ids];
}

const keyOf = (type: EntityType, id: number | string) => `${type}:${id}`;

/**
 * The unsynced outbox entries, loaded once inside a transaction and written back in one
 * `bulkPut`: settling a batch of push answers or a pulled page touches many entries, and one
 * read and one write per transaction keep it fast. Lookups by record and by temp id are
 * indexed, so settling a large batch stays linear.
 */
export class UnsyncedIndex {
  private readonly byId = new Map<number, ClientOutboxEntry>();
  private readonly byRecord = new Map<string, Set<number>>();
  private readonly byTempId = new Map<string, Set<number>>();
  private readonly dirty = new Set<number>();
  private readonly removed = new Set<number>();

  private constructor(entries: ClientOutboxEntry[]) {
    for (const e of entries) if (e.localId !== undefined) this.link(e);
  }

  /** Loads every unsynced entry (call inside a transaction that includes `_outbox`). */
  static async load(db: WampumsOfflineDB): Promise<UnsyncedIndex> {
    return new UnsyncedIndex(await db._outbox.where('status').anyOf(UNSYNCED_STATUSES).toArray());
  }

  private link(e: ClientOutboxEntry): void {
    const id = e.localId as number;
    this.byId.set(id, e);
    add(this.byRecord, keyOf(e.entityType, e.entityId), id);
    for (const t of tempIdsOf(e)) add(this.byTempId, t, id);
  }

  private unlink(id: number): void {
    const e = this.byId.get(id);
    if (!e) return;
    this.byId.delete(id);
    this.byRecord.get(keyOf(e.entityType, e.entityId))?.delete(id);
    for (const t of tempIdsOf(e)) this.byTempId.get(t)?.delete(id);
  }

  get(localId: number): ClientOutboxEntry | undefined {
    return this.byId.get(localId);
  }

  all(): ClientOutboxEntry[] {
    return [...this.byId.values()];
  }

  /** Entries that name `id`: as their record, or (for a temp id) in a foreign key or dependency. */
  referencing(id: number | string): ClientOutboxEntry[] {
    if (!isTempId(id)) return this.all();
    return [...(this.byTempId.get(id) ?? [])].flatMap((l) => this.byId.get(l) ?? []);
  }

  /** The still-unsettled entries of one record, oldest first. */
  pendingFor(type: EntityType, id: number | string, exceptLocalId?: number): ClientOutboxEntry[] {
    return [...(this.byRecord.get(keyOf(type, id)) ?? [])]
      .flatMap((l) => this.byId.get(l) ?? [])
      .filter((e) => e.localId !== exceptLocalId && UNSYNCED_STATUSES.includes(e.status))
      .sort((a, b) => (a.localId ?? 0) - (b.localId ?? 0));
  }

  /** Keys `type:id` of every record with unsettled changes. */
  pendingKeys(): Set<string> {
    const keys = new Set<string>();
    for (const e of this.byId.values()) {
      if (UNSYNCED_STATUSES.includes(e.status)) keys.add(keyOf(e.entityType, e.entityId));
    }
    return keys;
  }

  /**
   * The record's queued changes were made on top of a change the server has now settled: they
   * are based on the row it answered with, so they are not taken for conflicts with ourselves.
   */
  rebaseOnto(type: EntityType, id: number | string, row: Record<string, unknown> | null): void {
    if (!row || typeof row.updated_at !== 'string') return;
    this.observeServerRow(type, id, row);
    for (const e of this.pendingFor(type, id)) {
      if (e.operation === 'create' || e.status === 'in_progress' || e.status === 'conflict') continue;
      this.put({ ...e, baseUpdatedAt: row.updated_at, baseEntity: row });
    }
  }

  /**
   * The server showed `row` for a record (`null`: deleted): its unsynced entries keep the newest
   * version seen as their server shadow, without touching the base they were made on.
   */
  observeServerRow(type: EntityType, id: number | string, row: ServerRow): void {
    for (const e of this.pendingFor(type, id)) {
      const newest = newestServerRow([e.serverShadow, row]);
      if (newest !== e.serverShadow) this.put({ ...e, serverShadow: newest });
    }
  }

  put(entry: ClientOutboxEntry): void {
    if (entry.localId === undefined) throw new Error('an indexed outbox entry has a localId');
    this.unlink(entry.localId);
    this.link(entry);
    this.dirty.add(entry.localId);
  }

  remove(localId: number): void {
    this.unlink(localId);
    this.dirty.delete(localId);
    this.removed.add(localId);
  }

  /** Writes the changed entries back (inside the same transaction). */
  async flush(db: WampumsOfflineDB): Promise<void> {
    const changed = [...this.dirty].flatMap((id) => this.byId.get(id) ?? []);
    if (changed.length > 0) await db._outbox.bulkPut(changed);
    if (this.removed.size > 0) await db._outbox.bulkDelete([...this.removed]);
    this.dirty.clear();
    this.removed.clear();
  }
}

function add(map: Map<string, Set<number>>, key: string, id: number): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}
