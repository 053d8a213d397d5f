import {
  type Dependency,
  type EntityType,
  foreignKeysOf,
  isTempId,
  type OutboxAuthor,
  type OutboxEntry,
  PUSH_ORDER,
  type TempId,
} from '@wampums/schema';
import { sendsFor } from './authors';
import type { ClientOutboxEntry } from './coalesce';
import { UNSYNCED_STATUSES } from './rebase';
import { UnsyncedIndex } from './unsynced-index';

/**
 * The temp ids a change waits for: every foreign key of its payload that still holds a temp id,
 * and, for an update or delete of a record created offline, the record's own create.
 */
export function deriveDependencies(
  type: EntityType,
  entityId: number | string,
  operation: OutboxEntry['operation'],
  payload: Record<string, unknown> | null,
): Dependency[] {
  const out: Dependency[] = [];
  const seen = new Set<string>();
  const add = (entityType: EntityType, tempId: TempId) => {
    if (seen.has(tempId)) return;
    seen.add(tempId);
    out.push({ entityType, tempId });
  };
  if (operation !== 'create' && isTempId(entityId)) add(type, entityId);
  if (payload) {
    for (const fk of foreignKeysOf(type)) {
      const value = payload[fk.field];
      if (isTempId(value)) add(fk.references, value);
    }
  }
  return out;
}

const rank = new Map<EntityType, number>(PUSH_ORDER.map((t, i) => [t, i]));

/** Sorts entries in the push order of the seed (parents' stores first), then oldest first. */
export function sortForPush<T extends Pick<OutboxEntry, 'entityType' | 'localId'>>(entries: T[]): T[] {
  return [...entries].sort(
    (a, b) =>
      (rank.get(a.entityType) ?? 99) - (rank.get(b.entityType) ?? 99) || (a.localId ?? 0) - (b.localId ?? 0),
  );
}

/** True when a failed entry may be sent now: a network failure whose backoff has passed. */
export function isDue(entry: OutboxEntry, now: number, ignoreBackoff: boolean): boolean {
  if (entry.status === 'pending') return true;
  if (entry.status !== 'failed') return false;
  // A failure without `nextAttemptAt` is a rejection: only a person (retry or edit) sends it again.
  if (entry.nextAttemptAt === undefined || entry.nextAttemptAt === null) return false;
  return ignoreBackoff || entry.nextAttemptAt <= now;
}

/**
 * Picks the next batch to push from every unsynced entry. A change goes only when
 * - it was made by the person the push is for (`author`: see `sendsFor`); another person's
 *   change waits for that person, and so do the later changes of its record and its children;
 * - it is due (pending, or a network failure past its backoff);
 * - it is the oldest unsynced change of its record (one per record per batch), and the record
 *   has no conflict waiting for a person;
 * - each temp id it depends on is created in the same batch (already mapped ids have been
 *   rewritten away), so a child never goes before its parent, and stays pending when the
 *   parent failed.
 * Changes are taken oldest first, so a batch holds whole families as they were written (a
 * group, its participants, their attendance), whose temp ids are settled together; the batch
 * is sent in the push order of the seed (parents' stores first), then oldest first.
 */
export function selectBatch(
  unsynced: OutboxEntry[],
  options: { now: number; limit: number; ignoreBackoff: boolean; author?: OutboxAuthor | null },
): OutboxEntry[] {
  return new PushQueue(unsynced as ClientOutboxEntry[]).select(options);
}

/**
 * The unsynced entries one push works through, kept in memory from batch to batch, oldest
 * first, so that picking a batch costs about the batch, not the whole outbox. The caller keeps
 * it current: it tracks every entry it reads or writes, and reads entries written by others
 * since (`maxLocalId`) before each batch; an entry it holds may still be stale, so what it picks
 * is read again before it is sent.
 */
export class PushQueue {
  private readonly index: UnsyncedIndex;
  /** Local ids, ascending; ids no longer held are skipped, and dropped now and then. */
  private order: number[] = [];
  private unsorted = false;
  private stale = 0;
  /** The highest local id seen: entries above it were written since. */
  maxLocalId = 0;
  /**
   * When the entries held were last known current (clock ms): an edit merged into an entry
   * since gave it a `timestamp` at least this.
   */
  scannedAt = Number.NEGATIVE_INFINITY;

  constructor(entries: readonly ClientOutboxEntry[] = []) {
    this.index = UnsyncedIndex.of([]);
    for (const e of entries) this.track(e);
  }

  get size(): number {
    return this.index.size;
  }

  get(localId: number): ClientOutboxEntry | undefined {
    return this.index.get(localId);
  }

  all(): ClientOutboxEntry[] {
    return this.index.all();
  }

  /** Local ids of the entries held for one record. */
  idsOf(type: EntityType, id: number | string): readonly number[] {
    return this.index.idsOf(type, id);
  }

  /** Local ids of the entries held that name a temp id. */
  idsNaming(tempId: string): readonly number[] {
    return this.index.idsNaming(tempId);
  }

  /** Takes an entry as it now is in the database: held while unsynced, dropped once settled. */
  track(entry: ClientOutboxEntry): void {
    const id = entry.localId;
    if (id === undefined) return;
    if (!UNSYNCED_STATUSES.includes(entry.status)) {
      this.forget(id);
      if (id > this.maxLocalId) this.maxLocalId = id;
      return;
    }
    if (this.index.get(id) === undefined) {
      if (this.order.length > 0 && id <= (this.order[this.order.length - 1] as number)) this.unsorted = true;
      this.order.push(id);
    }
    if (id > this.maxLocalId) this.maxLocalId = id;
    this.index.track(entry);
  }

  /** An entry gone from the database (or settled). */
  forget(localId: number): void {
    if (this.index.get(localId) === undefined) return;
    this.index.forget(localId);
    this.stale += 1;
  }

  /**
   * The next batch, by the rules of `selectBatch`. `created`: temp ids the server answered it
   * created, not yet given their server ids here (the server maps them itself).
   */
  select(options: {
    now: number;
    limit: number;
    ignoreBackoff: boolean;
    created?: ReadonlySet<string>;
    author?: OutboxAuthor | null;
  }): ClientOutboxEntry[] {
    this.tidy();
    const batch: ClientOutboxEntry[] = [];
    const createdInBatch = new Set<string>(options.created);
    const entitiesInBatch = new Set<string>();
    /** Held back only by a temp id not (yet) created in the batch. */
    let waiting: ClientOutboxEntry[] = [];
    const ready = (entry: ClientOutboxEntry) => entry.dependencies.every((d) => createdInBatch.has(d.tempId));
    const take = (entry: ClientOutboxEntry, key: string) => {
      batch.push(entry);
      entitiesInBatch.add(key);
      if (entry.operation === 'create' && entry.tempId) createdInBatch.add(entry.tempId);
    };
    for (const localId of this.order) {
      if (batch.length >= options.limit) break;
      const entry = this.index.get(localId);
      if (!entry || !isDue(entry, options.now, options.ignoreBackoff)) continue;
      if (!sendsFor(options.author, entry)) continue;
      // One change per record per request: the next one is based on the row this one produces,
      // and is rebased on it once the answer is in.
      const key = `${entry.entityType}:${entry.entityId}`;
      if (entitiesInBatch.has(key)) continue;
      if (this.index.oldestOf(entry.entityType, entry.entityId) !== localId) continue;
      if (ready(entry)) take(entry, key);
      else waiting.push(entry);
    }
    // A change written before the parent it now points at (an edit moved it to a newer group)
    // goes once that parent is in.
    for (let progress = true; progress && waiting.length > 0 && batch.length < options.limit; ) {
      progress = false;
      const still: ClientOutboxEntry[] = [];
      for (const entry of waiting) {
        const key = `${entry.entityType}:${entry.entityId}`;
        if (batch.length < options.limit && !entitiesInBatch.has(key) && ready(entry)) {
          take(entry, key);
          progress = true;
        } else still.push(entry);
      }
      waiting = still;
    }
    return sortForPush(batch);
  }

  /** Sorts ids written out of order in, and drops settled ones once they are half the list. */
  private tidy(): void {
    if (!this.unsorted && this.stale * 2 <= this.order.length) return;
    const held = new Set(this.order.filter((id) => this.index.get(id) !== undefined));
    this.order = [...held];
    if (this.unsorted) this.order.sort((a, b) => a - b);
    this.unsorted = false;
    this.stale = 0;
  }
}
