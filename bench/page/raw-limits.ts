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

/** A Dexie database with the 12 entity stores and exactly their indexes, and nothing else. */
async function freshEntityDb(name: string): Promise<Dexie> {
  await Dexie.delete(name);
  const stores = dexieStores();
  const db = new Dexie(name);
  db.version(1).stores(Object.fromEntries(ENTITY_TYPES.map((t) => [t, stores[t]])));
  await db.open();
  return db;
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

/**
 * B1's limit: one record per raw IndexedDB readwrite transaction (no Dexie), in a store with
 * attendance's indexes that already holds the pulled rows. Returns each transaction's time.
 */
export async function rawSingleWrites(dbName: string, count: number): Promise<number[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const record = {
      id: 900_000_000 + i,
      organization_id: 1,
      participant_id: 1 + (i % 50),
      date: '2027-06-01',
      status: 'present',
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('attendance', 'readwrite');
      tx.objectStore('attendance').put(record);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    times.push(performance.now() - t0);
  }
  db.close();
  return times;
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
