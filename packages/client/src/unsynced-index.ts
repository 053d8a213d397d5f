import { type EntityType, isTempId } from '@wampums/schema';
import type { IndexableType, Table } from 'dexie';
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

  private constructor(entries: readonly ClientOutboxEntry[]) {
    for (const e of entries) if (e.localId !== undefined) this.link(e);
  }

  /** Loads every unsynced entry (call inside a transaction that includes `_outbox`). */
  static async load(db: WampumsOfflineDB): Promise<UnsyncedIndex> {
    return new UnsyncedIndex(await db._outbox.where('status').anyOf(UNSYNCED_STATUSES).toArray());
  }

  /**
   * An index of the given entries only: enough to settle what touches them, when they are every
   * unsynced entry of the records and temp ids concerned (read in the same transaction).
   */
  static of(entries: readonly ClientOutboxEntry[]): UnsyncedIndex {
    return new UnsyncedIndex(entries);
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
    remove(this.byRecord, keyOf(e.entityType, e.entityId), id);
    for (const t of tempIdsOf(e)) remove(this.byTempId, t, id);
  }

  get(localId: number): ClientOutboxEntry | undefined {
    return this.byId.get(localId);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Local ids of the entries of one record, whatever their status. */
  idsOf(type: EntityType, id: number | string): readonly number[] {
    return [...(this.byRecord.get(keyOf(type, id)) ?? [])];
  }

  /** Local ids of the entries naming `tempId` (as their record, a foreign key or a dependency). */
  idsNaming(tempId: string): readonly number[] {
    return [...(this.byTempId.get(tempId) ?? [])];
  }

  /** The lowest local id among the entries of one record (its oldest change). */
  oldestOf(type: EntityType, id: number | string): number | undefined {
    let oldest: number | undefined;
    for (const l of this.byRecord.get(keyOf(type, id)) ?? [])
      if (oldest === undefined || l < oldest) oldest = l;
    return oldest;
  }

  /**
   * Takes `entry` as it now is in the database, without writing it back (an index kept as a
   * cache across transactions); `forget` drops one the same way.
   */
  track(entry: ClientOutboxEntry): void {
    if (entry.localId === undefined) throw new Error('an indexed outbox entry has a localId');
    this.unlink(entry.localId);
    this.link(entry);
  }

  forget(localId: number): void {
    this.unlink(localId);
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

  /** Writes the changed entries back (inside the same transaction); returns what it wrote. */
  async flush(db: WampumsOfflineDB): Promise<{ written: ClientOutboxEntry[]; removed: number[] }> {
    const written = [...this.dirty].flatMap((id) => this.byId.get(id) ?? []);
    const removed = [...this.removed];
    await putInChunks(db._outbox, written);
    if (removed.length > 0) await db._outbox.bulkDelete(removed);
    this.dirty.clear();
    this.removed.clear();
    return { written, removed };
  }
}

/** Rows written per request by `putInChunks`. */
const WRITE_CHUNK = 50;

/**
 * `bulkPut` in chunks, each awaited, inside the caller's transaction: a put encodes its row on
 * the page's thread, so hundreds of rows at once would block the page for tens of ms.
 */
export async function putInChunks<T, K extends IndexableType>(
  table: Table<T, K>,
  rows: readonly T[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) await table.bulkPut(rows.slice(i, i + WRITE_CHUNK));
}

function add(map: Map<string, Set<number>>, key: string, id: number): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(id);
}

/** Drops emptied sets: a cache kept over a long push would otherwise keep a key per record. */
function remove(map: Map<string, Set<number>>, key: string, id: number): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}
