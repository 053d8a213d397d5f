import type { EntityType } from '@wampums/schema';
import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { replicateRxCollection } from 'rxdb/plugins/replication';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { pushTo } from '../datasets/group-by';
import { type OfflineCreate, resolveRefs } from '../datasets/offline-work';
import { PEER_COLLECTIONS, peerSchema } from '../peer/rxdb-schemas';
import { countingFetch } from './counting-fetch';
import { type MonitorReport, startMonitor } from './monitor';

/** One run of the peer engine. */
export interface PeerRun {
  ms: number;
  rows: number;
  requests: number;
  monitor: MonitorReport;
}

interface Checkpoint {
  seq: number;
}

let database: RxDatabase | null = null;

async function freshDatabase(name: string): Promise<RxDatabase> {
  if (database) await database.remove();
  database = null;
  const db = await createRxDatabase({
    name,
    storage: getRxStorageDexie(),
    multiInstance: false,
    eventReduce: true,
  });
  await db.addCollections(
    Object.fromEntries(PEER_COLLECTIONS.map((type) => [type, { schema: peerSchema(type) }])),
  );
  database = db;
  return db;
}

/**
 * RxDB's replication of every collection against the bench's endpoint, run once (`live: false`),
 * with the same batch sizes as our engine.
 */
async function replicateAll(
  db: RxDatabase,
  endpoint: string,
  options: { pushBatchSize: number; pullBatchSize: number },
): Promise<number> {
  const counter = countingFetch();
  const states = PEER_COLLECTIONS.map((type) =>
    replicateRxCollection<Record<string, unknown>, Checkpoint>({
      collection: db.collections[type] as RxCollection<Record<string, unknown>>,
      replicationIdentifier: `bench-${type}`,
      live: false,
      retryTime: 1000,
      waitForLeadership: false,
      push: {
        batchSize: options.pushBatchSize,
        async handler(rows) {
          const response = await counter.fetch(`${endpoint}/${type}/push`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(rows),
          });
          if (!response.ok) throw new Error(`peer push: HTTP ${response.status}`);
          return (await response.json()) as never;
        },
      },
      pull: {
        batchSize: options.pullBatchSize,
        async handler(checkpoint, batchSize) {
          const seq = checkpoint?.seq ?? 0;
          const response = await counter.fetch(`${endpoint}/${type}/pull?seq=${seq}&limit=${batchSize}`);
          if (!response.ok) throw new Error(`peer pull: HTTP ${response.status}`);
          return (await response.json()) as never;
        },
      },
    }),
  );
  const errors: unknown[] = [];
  for (const state of states) state.error$.subscribe((e) => errors.push(e));
  await Promise.all(states.map((s) => s.awaitInitialReplication()));
  await Promise.all(states.map((s) => s.cancel()));
  if (errors.length) throw new Error(`peer replication failed: ${String(errors[0])}`);
  return counter.total();
}

async function countAll(db: RxDatabase): Promise<number> {
  let rows = 0;
  for (const type of PEER_COLLECTIONS) rows += await (db.collections[type] as RxCollection).count().exec();
  return rows;
}

/** B7 (B3's work): an empty RxDB database pulls the organization from the endpoint. */
export async function peerFirstSync(endpoint: string, pullBatchSize: number, name: string): Promise<PeerRun> {
  const db = await freshDatabase(name);
  const stop = startMonitor();
  const t0 = performance.now();
  const requests = await replicateAll(db, endpoint, { pushBatchSize: 100, pullBatchSize });
  const ms = performance.now() - t0;
  const monitor = stop();
  return { ms, rows: await countAll(db), requests, monitor };
}

/**
 * B7 (B2's work): the same offline creates written to RxDB while no replication runs (not timed),
 * then the time to replicate them all to the endpoint.
 */
export async function peerPush(
  endpoint: string,
  ops: OfflineCreate[],
  organizationId: number,
  pushBatchSize: number,
  name: string,
): Promise<PeerRun> {
  const db = await freshDatabase(name);
  const ids = new Map<string, string>();
  const byType = new Map<EntityType, Record<string, unknown>[]>();
  const now = new Date().toISOString();
  for (const op of ops) {
    const id = crypto.randomUUID();
    ids.set(op.key, id);
    const fields = resolveRefs(op.fields, (key) => ids.get(key) ?? '');
    const doc = {
      ...fields,
      id,
      organization_id: organizationId,
      created_at: now,
      updated_at: now,
      updatedAt: Date.now(),
    };
    pushTo(byType, op.type, doc);
  }
  for (const [type, docs] of byType) {
    const result = await (db.collections[type] as RxCollection).bulkInsert(docs);
    if (result.error.length) throw new Error(`peer insert: ${JSON.stringify(result.error[0])}`);
  }
  const stop = startMonitor();
  const t0 = performance.now();
  const requests = await replicateAll(db, endpoint, { pushBatchSize, pullBatchSize: 500 });
  const ms = performance.now() - t0;
  const monitor = stop();
  return { ms, rows: ops.length, requests, monitor };
}

/** Removes the peer's database (between workloads). */
export async function peerClose(): Promise<void> {
  if (database) await database.remove();
  database = null;
}
