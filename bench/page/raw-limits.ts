import { type ClientOutboxEntry, newOutboxEntry } from '@wampums/client';
import { dexieStores, ENTITY_TYPES, type EntityType } from '@wampums/schema';
import { Dexie } from 'dexie';
import { pushTo } from '../datasets/group-by';
import { countingFetch } from './counting-fetch';
import { type MonitorReport, startMonitor } from './monitor';

/** The floor a workload is compared with: what the platform does with no engine in between. */
export interface LimitRun {
  ms: number;
  rows: number;
  requests: number;
  monitor: MonitorReport;
}

/**
 * A Dexie database with the 12 entity stores, the outbox and the id map, exactly with their
 * indexes (`dexieStores()`), and nothing else. The outbox and id map stay empty except in the
 * design floors (B1's entity + outbox transaction, B2's `rawOutboxFloor`).
 */
async function freshEntityDb(name: string): Promise<Dexie> {
  await Dexie.delete(name);
  const stores = dexieStores();
  const db = new Dexie(name);
  db.version(1).stores({
    ...Object.fromEntries(ENTITY_TYPES.map((t) => [t, stores[t]])),
    _outbox: stores._outbox,
    _idMap: stores._idMap,
  });
  await db.open();
  return db;
}

/** Records of each type, in order. */
function groupByType<T>(records: readonly T[], type: (record: T) => EntityType): Map<EntityType, T[]> {
  const map = new Map<EntityType, T[]>();
  for (const record of records) pushTo(map, type(record), record);
  return map;
}

interface PullPage {
  data: {
    changes: { entityType: EntityType; op: string; entity: Record<string, unknown> }[];
    cursor: string;
    hasMore: boolean;
  };
}

/**
 * B3's limit: the same pull pages fetched and parsed with plain `fetch`, each page stored with
 * Dexie `bulkPut` in one transaction over the entity stores, pages one after the other.
 */
export async function rawPull(
  pullUrl: string,
  token: string,
  pageSize: number,
  dbName: string,
): Promise<LimitRun> {
  const db = await freshEntityDb(dbName);
  const counter = countingFetch();
  const stop = startMonitor();
  const t0 = performance.now();
  let cursor: string | null = null;
  let rows = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (cursor) query.set('cursor', cursor);
    const response = await counter.fetch(`${pullUrl}?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`raw pull: HTTP ${response.status}`);
    const page = (await response.json()) as PullPage;
    const byType = new Map<EntityType, Record<string, unknown>[]>();
    for (const change of page.data.changes) {
      if (change.op !== 'upsert') continue;
      pushTo(byType, change.entityType, change.entity);
    }
    if (byType.size > 0) {
      await db.transaction('rw', [...byType.keys()], async () => {
        for (const [type, list] of byType) await db.table(type).bulkPut(list);
      });
    }
    rows += page.data.changes.length;
    cursor = page.data.cursor;
    if (!page.data.hasMore) break;
  }
  const ms = performance.now() - t0;
  const monitor = stop();
  db.close();
  return { ms, rows, requests: counter.total(), monitor };
}

/** B2's local limit: the same records written with Dexie `bulkPut` in one transaction. */
export async function rawBulkWrite(
  records: { type: EntityType; row: Record<string, unknown> }[],
  dbName: string,
): Promise<LimitRun> {
  const db = await freshEntityDb(dbName);
  const byType = new Map<EntityType, Record<string, unknown>[]>();
  records.forEach(({ type, row }, i) => {
    pushTo(byType, type, { ...row, id: i + 1 });
  });
  const stop = startMonitor();
  const t0 = performance.now();
  await db.transaction('rw', [...byType.keys()], async () => {
    for (const [type, list] of byType) await db.table(type).bulkPut(list);
  });
  const ms = performance.now() - t0;
  const monitor = stop();
  db.close();
  return { ms, rows: records.length, requests: 0, monitor };
}

/** One offline create of B2 as our engine holds it and as the server answers it. */
export interface FloorRecord {
  type: EntityType;
  tempId: string;
  /** The fields as created offline (foreign keys to records of the same work are temp ids). */
  payload: Record<string, unknown>;
  /** The record as the server stored it, `id` its server id. */
  server: Record<string, unknown>;
}

/** B2's design floor, by phase (ms, summed over the batches); `rows`: the entries `synced` at the end. */
export interface FloorRun extends LimitRun {
  /** The records under their temp ids and their pending outbox entries, one transaction. */
  storeMs: number;
  /** Each batch's entries put again as `in_progress`, one transaction per batch. */
  inProgressMs: number;
  /** Each batch's records moved to their server ids, its id-map rows and its entries `synced`. */
  settleMs: number;
  /**
   * After each batch, the records still waiting that point at its records (children in later
   * batches) and their pending entries, put again with the server ids, one transaction.
   */
  childrenMs: number;
}

/**
 * B2's design floor: the IndexedDB writes that temp ids, the id map and durable outbox
 * statuses require for the same records, done the fastest way Dexie allows (bulk operations,
 * batches of `batchSize` like our engine, one after the other, no network in between): the
 * records under their temp ids with their pending entries; then per batch the entries as
 * `in_progress`, and in one transaction the temp-id records deleted and put under their server
 * ids, one id-map row each, the entries `synced` with the server's answer; then, in one more
 * transaction, the records of later batches that point at them put again with the server ids in
 * their foreign keys, and their entries with them in their payloads (what keeps a synced
 * participant's offline attendance under it on the device, and sendable).
 */
export async function rawOutboxFloor(
  records: FloorRecord[],
  batchSize: number,
  dbName: string,
): Promise<FloorRun> {
  const db = await freshEntityDb(dbName);
  const now = Date.now();
  // Our engine's own entries: the same shape, correlation ids and dependencies.
  const entries: ClientOutboxEntry[] = records.map((r, i) => ({
    ...newOutboxEntry(r.type, r.tempId, { operation: 'create', payload: r.payload, timestamp: now }),
    localId: i + 1,
  }));
  const outbox = db.table('_outbox');
  // Who points at whom, known before timing: record numbers by the temp id they point at.
  const childrenOf = new Map<string, number[]>();
  entries.forEach((e, j) => {
    for (const d of e.dependencies) pushTo(childrenOf, d.tempId, j);
  });
  const serverIdOf = new Map<unknown, unknown>();
  const stop = startMonitor();
  const t0 = performance.now();
  const temps = groupByType(records, (r) => r.type);
  await db.transaction('rw', [...temps.keys(), '_outbox'], async () => {
    for (const [type, list] of temps) {
      await db.table(type).bulkPut(list.map((r) => ({ ...r.payload, id: r.tempId })));
    }
    await outbox.bulkPut(entries);
  });
  const storeMs = performance.now() - t0;
  let inProgressMs = 0;
  let settleMs = 0;
  let childrenMs = 0;
  for (let start = 0; start < records.length; start += batchSize) {
    const batch = records.slice(start, start + batchSize);
    const t1 = performance.now();
    const sent = entries
      .slice(start, start + batchSize)
      .map((e) => ({ ...e, status: 'in_progress', sentAt: Date.now() }));
    await outbox.bulkPut(sent);
    const t2 = performance.now();
    const syncedAt = Date.now();
    const moved = groupByType(batch, (r) => r.type);
    await db.transaction('rw', [...moved.keys(), '_outbox', '_idMap'], async () => {
      for (const [type, list] of moved) {
        await db.table(type).bulkDelete(list.map((r) => r.tempId));
        await db.table(type).bulkPut(list.map((r) => r.server));
      }
      await db.table('_idMap').bulkAdd(
        batch.map((r) => ({
          entityType: r.type,
          tempId: r.tempId,
          serverId: r.server.id,
          createdAt: now,
          syncedAt,
        })),
      );
      await outbox.bulkPut(
        sent.map((e, k) => {
          const server = (batch[k] as FloorRecord).server;
          return {
            ...e,
            entityId: server.id,
            status: 'synced',
            syncedAt,
            serverResponse: {
              status: 'applied',
              correlationId: e.correlationId,
              serverId: server.id,
              entity: server,
            },
          };
        }),
      );
    });
    const t3 = performance.now();
    for (const r of batch) serverIdOf.set(r.tempId, r.server.id);
    const waiting = new Set(
      batch.flatMap((r) => (childrenOf.get(r.tempId) ?? []).filter((j) => j >= start + batchSize)),
    );
    if (waiting.size > 0) {
      const children = [...waiting].map((j) => {
        const entry = entries[j] as ClientOutboxEntry;
        const payload = Object.fromEntries(
          Object.entries(entry.payload ?? {}).map(([k, v]) => [k, serverIdOf.get(v) ?? v]),
        );
        const dependencies = entry.dependencies.filter((d) => !serverIdOf.has(d.tempId));
        const rewritten = { ...entry, payload, dependencies };
        entries[j] = rewritten;
        return {
          type: (records[j] as FloorRecord).type,
          record: { ...payload, id: entry.entityId },
          entry: rewritten,
        };
      });
      const byType = groupByType(children, (c) => c.type);
      await db.transaction('rw', [...byType.keys(), '_outbox'], async () => {
        for (const [type, list] of byType) await db.table(type).bulkPut(list.map((c) => c.record));
        await outbox.bulkPut(children.map((c) => c.entry));
      });
    }
    inProgressMs += t2 - t1;
    settleMs += t3 - t2;
    childrenMs += performance.now() - t3;
  }
  const ms = performance.now() - t0;
  const monitor = stop();
  const rows = await outbox.where('status').equals('synced').count();
  db.close();
  return { ms, rows, requests: 0, monitor, storeMs, inProgressMs, settleMs, childrenMs };
}

/** One HTTP round trip from the page: B4's limit. */
export async function roundTrips(url: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const response = await fetch(url, { cache: 'no-store' });
    await response.text();
    times.push(performance.now() - t0);
  }
  return times;
}
