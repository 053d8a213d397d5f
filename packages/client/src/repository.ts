import {
  applyCreateDefaults,
  createPayloadSchema,
  ENTITIES,
  type EntityType,
  FOREIGN_KEYS,
  foreignKeysOf,
  generateTempId,
  isEntityType,
  isTempId,
  type OutboxAuthor,
  type OutboxEntry,
  refusesUpdates,
  updatePatchSchema,
} from '@wampums/schema';
import { Dexie } from 'dexie';
import type { Clock } from './clock';
import { type ClientOutboxEntry, coalesce, type LocalChange } from './coalesce';
import type { StoredRecord, WampumsOfflineDB } from './db';
import { deriveDependencies } from './dependencies';
import { OfflineStoreError } from './errors';
import { mappedServerId } from './id-remap';
import { UNSYNCED_STATUSES } from './rebase';
import { newestServerRow } from './server-shadow';
import type { OutboxStatusChange } from './status';
import type { IndexQuery, QueryOptions } from './types';
import { randomUuid } from './uuid';

export interface RepositoryContext {
  db: WampumsOfflineDB;
  clock: Clock;
  /** The signed-in user: user fields, the organization of new records, the author of changes. */
  user(): OutboxAuthor | null;
  /** Runs a write, purging and retrying once when storage is full. */
  withQuota<T>(write: () => Promise<T>): Promise<T>;
  /**
   * Called after every committed local write (status, scheduling a sync), with the outbox
   * entries it added, changed the status of, or removed.
   */
  afterWrite(changes: readonly OutboxStatusChange[]): void;
}

/**
 * Local reads and writes. A write stores the record and its outbox entry in one IndexedDB
 * transaction, so no change goes untracked and an aborted write leaves no entry.
 */
export class Repository {
  constructor(private readonly ctx: RepositoryContext) {}

  async create(type: EntityType, fields: Record<string, unknown>): Promise<StoredRecord> {
    assertWritable(type);
    const parsed = createPayloadSchema(type).safeParse(fields);
    if (!parsed.success) throw validationError(type, parsed.error.issues);
    const { db, clock } = this.ctx;
    const user = this.ctx.user();
    const write = (fields: Record<string, unknown>) => {
      const payload = applyCreateDefaults(type, fields, user?.id ?? null);
      const now = clock.now();
      const tempId = generateTempId(now);
      const at = new Date(now).toISOString();
      const row: StoredRecord = {
        ...payload,
        id: tempId,
        organization_id: user?.organizationId ?? null,
        created_at: at,
        updated_at: at,
      };
      // Both requests at once: the second does not wait for the first one's round trip.
      return Dexie.Promise.all([
        db.entity(type).add(row),
        db._outbox.add(
          newEntry(type, tempId, { operation: 'create', payload, timestamp: now, author: user }),
        ),
      ]).then(() => row);
    };
    const tempRefs = foreignKeysOf(type).some((fk) => isTempId(parsed.data[fk.field]));
    const record = await this.ctx.withQuota(() =>
      db.transaction('rw', this.scope(type, parsed.data), () =>
        // Foreign keys given as temp ids are checked first; the usual tap has none to read.
        tempRefs ? this.resolveRefs(type, parsed.data).then(write) : write(parsed.data),
      ),
    );
    this.ctx.afterWrite([{ from: null, to: 'pending' }]);
    return record;
  }

  async update(type: EntityType, id: number | string, patch: Record<string, unknown>): Promise<StoredRecord> {
    assertWritable(type);
    const parsed = updatePatchSchema(type).safeParse(patch);
    if (!parsed.success) throw validationError(type, parsed.error.issues);
    const { db, clock } = this.ctx;
    const changes: OutboxStatusChange[] = [];
    const record = await this.ctx.withQuota(() =>
      db.transaction('rw', this.scope(type), async () => {
        changes.length = 0;
        const key = await this.resolveId(type, id);
        // Append-only once on the server; before that the edit merges into its pending create.
        if (refusesUpdates(type) && !isTempId(key))
          throw new OfflineStoreError(
            'read_only',
            `${type} are append-only: delete and create again instead`,
          );
        const current = await db.entity(type).get(key);
        if (!current) throw new OfflineStoreError('not_found', `${type} ${String(id)} does not exist`);
        const fields = await this.resolveRefs(type, parsed.data);
        const next = { ...current, ...fields, id: current.id };
        await db.entity(type).put(next);
        await this.track(
          type,
          current,
          { operation: 'update', payload: fields, timestamp: clock.now() },
          changes,
        );
        return next;
      }),
    );
    this.ctx.afterWrite(changes);
    return record;
  }

  async remove(type: EntityType, id: number | string): Promise<void> {
    assertWritable(type);
    const { db } = this.ctx;
    const changes: OutboxStatusChange[] = [];
    await this.ctx.withQuota(() =>
      db.transaction('rw', db.tables, async () => {
        changes.length = 0;
        const key = await this.resolveId(type, id);
        const current = await db.entity(type).get(key);
        if (!current) throw new OfflineStoreError('not_found', `${type} ${String(id)} does not exist`);
        await this.removeCascading(type, current, false, changes);
      }),
    );
    this.ctx.afterWrite(changes);
  }

  async get(type: EntityType, id: number | string): Promise<StoredRecord | undefined> {
    assertType(type);
    return this.ctx.db.entity(type).get(await this.resolveId(type, id));
  }

  /** Records whose indexed fields equal `where`; a compound index serves two fields at once. */
  async query(type: EntityType, where: IndexQuery = {}, options: QueryOptions = {}): Promise<StoredRecord[]> {
    assertType(type);
    const table = this.ctx.db.entity(type);
    const indexNames = new Set(table.schema.indexes.map((i) => i.name));
    const criteria: [string, unknown][] = [];
    for (const [field, value] of Object.entries(where)) {
      if (value === undefined) continue;
      if (!indexNames.has(field) && field !== 'id') {
        throw new OfflineStoreError('validation_failed', `${type} has no index on "${field}"`, {
          indexes: [...indexNames],
        });
      }
      criteria.push([field, await this.resolveRefValue(type, field, value)]);
    }
    const keyable = criteria.filter(([, v]) => isKey(v));
    const fields = keyable.map(([f]) => f);
    const compound = [...indexNames].find(
      (name) => name.startsWith('[') && sameSet(name.slice(1, -1).split('+'), fields) && fields.length > 1,
    );
    let collection: ReturnType<typeof table.toCollection>;
    let used: string[] = [];
    if (compound) {
      const parts = compound.slice(1, -1).split('+');
      collection = table
        .where(compound)
        .equals(parts.map((p) => keyable.find(([f]) => f === p)?.[1]) as never);
      used = parts;
    } else if (keyable[0]) {
      const [field, value] = keyable[0];
      collection =
        field === 'id'
          ? table.where(':id').equals(value as never)
          : table.where(field).equals(value as never);
      used = [field];
    } else {
      collection = table.toCollection();
    }
    const rest = criteria.filter(([f]) => !used.includes(f));
    if (rest.length > 0) collection = collection.and((row) => rest.every(([f, v]) => row[f] === v));
    if (options.orderBy) {
      if (!indexNames.has(options.orderBy) && options.orderBy !== 'id') {
        throw new OfflineStoreError('validation_failed', `${type} cannot be ordered by "${options.orderBy}"`);
      }
      if (options.reverse) collection = collection.reverse();
      const sorted = await collection.sortBy(options.orderBy);
      const start = options.offset ?? 0;
      return sorted.slice(start, options.limit === undefined ? undefined : start + options.limit);
    }
    if (options.reverse) collection = collection.reverse();
    if (options.offset) collection = collection.offset(options.offset);
    if (options.limit !== undefined) collection = collection.limit(options.limit);
    return collection.toArray();
  }

  /**
   * The stores a create or update touches: the record's and the outbox, plus, when `fields`
   * give a foreign key as a temp id (or are not known yet), its parents' and the id map, to
   * check it. Fewer stores per transaction keep writes fast on the hot path.
   */
  private scope(type: EntityType, fields?: Record<string, unknown>) {
    const { db } = this.ctx;
    const refs = foreignKeysOf(type).filter((fk) => !fields || isTempId(fields[fk.field]));
    const names = new Set<string>([type, '_outbox']);
    if (refs.length > 0) {
      for (const fk of refs) names.add(fk.references);
      names.add('_idMap');
    }
    return [...names].map((name) => db.table(name));
  }

  /**
   * A temp id the record no longer has resolves through `_idMap`; numeric strings become ids.
   * Returns Dexie promises only (no `async`): a live query loses track of its reads once it awaits
   * a native promise, so `live(() => store.get(...))` would stop updating.
   */
  resolveId(type: EntityType, id: number | string): Promise<number | string> {
    if (typeof id === 'string' && /^\d+$/.test(id)) return Dexie.Promise.resolve(Number(id));
    if (!isTempId(id)) return Dexie.Promise.resolve(id);
    return this.ctx.db
      .entity(type)
      .get(id)
      .then((found) =>
        found !== undefined ? id : mappedServerId(this.ctx.db, type, id).then((serverId) => serverId ?? id),
      );
  }

  private resolveRefValue(type: EntityType, field: string, value: unknown): Promise<unknown> {
    if (field === 'id' && (typeof value === 'string' || typeof value === 'number'))
      return this.resolveId(type, value);
    const fk = foreignKeysOf(type).find((k) => k.field === field);
    if (fk && isTempId(value))
      return mappedServerId(this.ctx.db, fk.references, value).then((serverId) => serverId ?? value);
    return Dexie.Promise.resolve(value);
  }

  /** Foreign keys given as temp ids: already synced → server id; unknown → refused. */
  private async resolveRefs(
    type: EntityType,
    fields: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const out = { ...fields };
    for (const fk of foreignKeysOf(type)) {
      const value = out[fk.field];
      if (!isTempId(value)) continue;
      if ((await this.ctx.db.entity(fk.references).get(value)) !== undefined) continue;
      const serverId = await mappedServerId(this.ctx.db, fk.references, value);
      if (serverId === undefined) {
        throw new OfflineStoreError(
          'validation_failed',
          `${fk.field} points at an unknown ${fk.references}`,
          {
            field: fk.field,
            value,
          },
        );
      }
      out[fk.field] = serverId;
    }
    return out;
  }

  /** Adds a change to the outbox, merged with the record's queued change when possible. */
  private async track(
    type: EntityType,
    current: StoredRecord,
    change: LocalChange,
    changes: OutboxStatusChange[],
  ): Promise<void> {
    const { db } = this.ctx;
    change = { ...change, author: this.ctx.user() };
    const entries = (await db._outbox.where('entityId').equals(current.id).toArray()).filter(
      (e) => e.entityType === type && UNSYNCED_STATUSES.includes(e.status),
    );
    const latest = entries.sort((a, b) => (b.localId ?? 0) - (a.localId ?? 0))[0] as
      | ClientOutboxEntry
      | undefined;
    const action = coalesce(latest, change);
    switch (action.kind) {
      case 'replace':
        await db._outbox.put(action.entry);
        changes.push({ from: latest?.status ?? null, to: action.entry.status });
        return;
      case 'drop':
        await db._outbox.delete(action.localId);
        changes.push({ from: latest?.status ?? null, to: null });
        return;
      case 'add': {
        const entry = newEntry(type, current.id, change);
        if (change.operation !== 'create' && !isTempId(current.id)) {
          entry.baseUpdatedAt = typeof current.updated_at === 'string' ? current.updated_at : null;
          entry.baseEntity = current;
          // The server version to put back if this change is settled unsent: with no other
          // unsynced change, the record is the server's row; else the newest one they saw.
          entry.serverShadow =
            entries.length === 0
              ? current
              : newestServerRow((entries as ClientOutboxEntry[]).map((e) => e.serverShadow));
        }
        await db._outbox.add(entry);
        changes.push({ from: null, to: entry.status });
      }
    }
  }

  /**
   * Deletes a record and, like the server, what it owns: children on a cascading foreign key go
   * with it, children on a set-null key lose the reference. A child of a synced parent needs no
   * change of its own: the server cascades the parent's delete. A child created offline
   * disappears with its parent's create, so nothing of either is sent.
   */
  private async removeCascading(
    type: EntityType,
    record: StoredRecord,
    viaSyncedParent: boolean,
    changes: OutboxStatusChange[],
  ): Promise<void> {
    const { db, clock } = this.ctx;
    for (const fk of FOREIGN_KEYS) {
      if (fk.references !== type) continue;
      const table = db.entity(fk.entityType);
      const children = table.schema.indexes.some((i) => i.name === fk.field)
        ? await table.where(fk.field).equals(record.id).toArray()
        : await table.filter((row) => row[fk.field] === record.id).toArray();
      for (const child of children) {
        if (fk.onDelete === 'cascade') {
          await this.removeCascading(fk.entityType, child, !isTempId(record.id), changes);
          continue;
        }
        await table.put({ ...child, [fk.field]: null });
        if (isTempId(record.id)) await this.nullPendingRefs(fk.entityType, child.id, fk.field, record.id);
      }
    }
    await db.entity(type).delete(record.id);
    if (ENTITIES[type].readOnly || (viaSyncedParent && !isTempId(record.id))) return;
    await this.track(type, record, { operation: 'delete', payload: null, timestamp: clock.now() }, changes);
  }

  private async nullPendingRefs(type: EntityType, id: number | string, field: string, tempId: string) {
    const entries = await this.ctx.db._outbox.where('entityId').equals(id).toArray();
    for (const e of entries) {
      if (e.entityType !== type || !UNSYNCED_STATUSES.includes(e.status) || e.payload?.[field] !== tempId)
        continue;
      const payload = { ...e.payload, [field]: null };
      await this.ctx.db._outbox.put({
        ...e,
        payload,
        dependencies: deriveDependencies(type, e.entityId, e.operation, payload),
      });
    }
  }
}

/** A fresh outbox entry in the seed's format. */
export function newEntry(type: EntityType, id: number | string, change: LocalChange): ClientOutboxEntry {
  const entityId = id as ClientOutboxEntry['entityId'];
  return {
    correlationId: randomUuid(),
    entityType: type,
    entityId,
    tempId: isTempId(id) ? id : null,
    operation: change.operation,
    timestamp: change.timestamp,
    payload: change.payload,
    dependencies: deriveDependencies(type, id, change.operation, change.payload),
    status: 'pending',
    retryCount: 0,
    lastError: null,
    serverResponse: null,
    baseUpdatedAt: null,
    baseEntity: null,
    sentAt: null,
    ...authorFields(change.author),
  };
}

/** The author fields of an outbox entry; none when nobody is signed in. */
export function authorFields(
  author: OutboxAuthor | null | undefined,
): Pick<OutboxEntry, 'authorId' | 'authorOrganizationId' | 'authorName'> {
  if (!author) return {};
  return {
    authorId: author.id,
    authorOrganizationId: author.organizationId,
    ...(author.name === undefined ? {} : { authorName: author.name }),
  };
}

function assertType(type: EntityType): void {
  if (!isEntityType(type))
    throw new OfflineStoreError('unknown_entity_type', `unknown entity type ${String(type)}`);
}

function assertWritable(type: EntityType): void {
  assertType(type);
  if (ENTITIES[type].readOnly)
    throw new OfflineStoreError('read_only', `${type} are read-only on this device`);
}

function validationError(type: EntityType, issues: unknown): OfflineStoreError {
  return new OfflineStoreError('validation_failed', `invalid ${type} fields`, { issues });
}

/** IndexedDB keys cannot be null or booleans: such criteria are filtered instead. */
function isKey(value: unknown): boolean {
  return typeof value === 'number' || typeof value === 'string';
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
