import { newOutboxEntry } from '@wampums/client';
import { generateTempId } from '@wampums/schema';
import { Dexie } from 'dexie';
import { oursTap } from './ours';

/** B1's writers: ours, its limit and the two design floors. */
export type LocalWriter = 'ours' | 'raw' | 'rawTx' | 'dexieTx';

/**
 * B1: `count` actions of each writer, taken in turns (one action of each, the writer going first
 * changing every turn), so that they all meet the same background work of the browser's storage
 * (compaction after the first syncs, another writer's commit still being flushed). Timed one
 * writer after the other, whichever ran first met that work alone and its p95 showed it: the
 * single put's own p95 then spread over 0.9-5.6 ms from run to run. Returns each action's time.
 *
 * `rawDbName` is the database of the raw pull, with every store and index and the pulled rows:
 * the limits and floors write there, ours into its own store of the same rows.
 */
export async function localWrites(
  count: number,
  participantIds: number[],
  rawDbName: string,
): Promise<Record<LocalWriter, number[]>> {
  const raw = await openRaw(rawDbName);
  // Opened without a schema: Dexie reads the stores and indexes of the existing database.
  const dexie = new Dexie(rawDbName);
  await dexie.open();
  const writers: [LocalWriter, (i: number) => Promise<unknown>][] = [
    ['ours', oursTap(participantIds)],
    ['raw', rawSingleTap(raw)],
    ['rawTx', rawEntityOutboxTap(raw)],
    ['dexieTx', dexieEntityOutboxTap(dexie)],
  ];
  const times: Record<LocalWriter, number[]> = { ours: [], raw: [], rawTx: [], dexieTx: [] };
  try {
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < writers.length; k++) {
        const [name, write] = writers[(i + k) % writers.length] as (typeof writers)[number];
        const t0 = performance.now();
        await write(i);
        times[name].push(performance.now() - t0);
      }
    }
  } finally {
    dexie.close();
    raw.close();
  }
  return times;
}

/**
 * The limit: one record per raw IndexedDB readwrite transaction (no Dexie), in the store with
 * attendance's indexes that holds the pulled rows.
 */
function rawSingleTap(db: IDBDatabase): (i: number) => Promise<void> {
  return (i) => transaction(db, [['attendance', { ...attendance(tapFields(i)), id: 900_000_000 + i }]]);
}

/**
 * The design floor: what `store.create` must do at least, in one raw IndexedDB readwrite
 * transaction (no Dexie): the record under a new temp id in the store with attendance's indexes
 * and its pending entry, shaped like ours, in the store with the outbox's indexes.
 */
function rawEntityOutboxTap(db: IDBDatabase): (i: number) => Promise<void> {
  return (i) => {
    const { record, entry } = tapWrite(i);
    return transaction(db, [
      ['attendance', record],
      ['_outbox', entry],
    ]);
  };
}

/**
 * The same two-store write through Dexie with no engine around it (the library the design names
 * for the offline store): one `rw` transaction putting the record and its outbox entry. Ours
 * minus this is the engine's own cost per action.
 */
function dexieEntityOutboxTap(db: Dexie): (i: number) => Promise<unknown> {
  const records = db.table('attendance');
  const outbox = db.table('_outbox');
  return (i) => {
    const { record, entry } = tapWrite(i);
    return db.transaction('rw', records, outbox, () => Promise.all([records.put(record), outbox.put(entry)]));
  };
}

function openRaw(dbName: string): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(dbName);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One raw IndexedDB readwrite transaction putting `puts` (store, value), all requests at once. */
function transaction(db: IDBDatabase, puts: [string, unknown][]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tx = db.transaction(
      puts.map(([store]) => store),
      'readwrite',
    );
    for (const [store, value] of puts) tx.objectStore(store).put(value);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

/** The fields of an attendance tap, as its outbox payload holds them. */
const tapFields = (i: number) => ({ participant_id: 1 + (i % 50), date: '2027-06-01', status: 'present' });

/** The record a tap stores (`id` left to the caller). */
function attendance(payload: Record<string, unknown>): Record<string, unknown> {
  const at = new Date().toISOString();
  return { ...payload, organization_id: 1, created_at: at, updated_at: at };
}

/** The i-th tap of the floors: the record under a new temp id and its pending outbox entry. */
function tapWrite(i: number): { record: Record<string, unknown>; entry: unknown } {
  const now = Date.now();
  const tempId = generateTempId(now);
  const payload = tapFields(i);
  return {
    record: { ...attendance(payload), id: tempId },
    entry: newOutboxEntry('attendance', tempId, { operation: 'create', payload, timestamp: now }),
  };
}
