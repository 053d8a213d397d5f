import { type OfflineStore, openOfflineStore, PUSH_PHASES, type SyncReport } from '@wampums/client';
import type { EntityType } from '@wampums/schema';
import { Dexie } from 'dexie';
import { type OfflineCreate, resolveRefs } from '../datasets/offline-work';
import { countingFetch, type RequestCounts } from './counting-fetch';
import { type MonitorReport, startMonitor } from './monitor';

/** How the page reaches the server as a signed-in leader. */
export interface Session {
  baseUrl: string;
  token: string;
  user: { id: number; organizationId: number };
  pushBatchSize: number;
  pullPageSize: number;
}

/** One timed run of our engine. */
export interface OursRun {
  ms: number;
  rows: number;
  requests: RequestCounts;
  report: SyncReport;
  monitor: MonitorReport;
}

const DB_NAME = 'WampumsOfflineDB';
let store: OfflineStore | null = null;
let counter = countingFetch();

/**
 * Opens our store on a fresh (or the existing) database. `autoSync: false`: the bench calls
 * `sync()` itself so that nothing runs in the background of a timed figure.
 */
async function open(session: Session, fresh: boolean): Promise<OfflineStore> {
  if (store) await store.close();
  store = null;
  if (fresh) await Dexie.delete(DB_NAME);
  counter = countingFetch();
  store = await openOfflineStore({
    baseUrl: session.baseUrl,
    getToken: async () => session.token,
    user: session.user,
    fetch: counter.fetch,
    autoSync: false,
    eventSource: null,
    pushBatchSize: session.pushBatchSize,
    pullPageSize: session.pullPageSize,
  });
  return store;
}

const current = () => {
  if (!store) throw new Error('the store is not open');
  return store;
};

async function countEntities(s: OfflineStore): Promise<number> {
  let rows = 0;
  for (const table of s.db.tables) if (!table.name.startsWith('_')) rows += await table.count();
  return rows;
}

function syncFailed(report: SyncReport): string | null {
  if (report.error) return `${report.error.code}: ${report.error.message}`;
  if (report.skipped) return `sync skipped: ${report.skipped}`;
  return null;
}

/** B3: the organization pulled into an empty database by `sync()`. */
export async function oursFirstSync(session: Session): Promise<OursRun> {
  const s = await open(session, true);
  const stop = startMonitor();
  const t0 = performance.now();
  const report = await s.sync();
  const ms = performance.now() - t0;
  const monitor = stop();
  const failure = syncFailed(report);
  if (failure) throw new Error(`first sync: ${failure}`);
  return { ms, rows: await countEntities(s), requests: { ...counter.counts }, report, monitor };
}

/** A row as the server changed it, to be read back after the incremental sync. */
export interface ExpectedRow {
  type: EntityType;
  id: number;
  field: string;
  value: unknown;
}

/**
 * B4: `sync()` after server-side changes, until every changed row reads back with its new value.
 * A pull may not carry a change yet (the server holds back changes while an older transaction
 * runs), so `sync()` is called again until the rows are there: the time is what a user waits.
 */
export async function oursIncremental(
  expected: ExpectedRow[],
): Promise<{ ms: number; syncs: number; report: SyncReport }> {
  const s = current();
  const t0 = performance.now();
  for (let syncs = 1; ; syncs++) {
    const report = await s.sync();
    const failure = syncFailed(report);
    if (failure) throw new Error(`incremental sync: ${failure}`);
    // Read back as a screen would, all at once (one `get` after another would time the reads).
    const stored = (await Promise.all(expected.map((row) => s.get(row.type, row.id)))) as (
      | Record<string, unknown>
      | undefined
    )[];
    const missing = expected.findIndex((row, i) => stored[i]?.[row.field] !== row.value);
    if (missing === -1) return { ms: performance.now() - t0, syncs, report };
    if (performance.now() - t0 > 30_000) {
      const row = expected[missing] as ExpectedRow;
      throw new Error(
        `incremental sync: ${row.type} ${row.id}.${row.field} still old after ${syncs} syncs in 30 s`,
      );
    }
  }
}

/**
 * B1's action number `i` as a leader taps it on the stored organization: mark attendance (even
 * actions) or award an honor (odd ones), each one `create` (entity + outbox entry in one
 * transaction).
 */
export function oursTap(participantIds: number[]): (i: number) => Promise<unknown> {
  const s = current();
  return (i) => {
    const participant = participantIds[i % participantIds.length] as number;
    return i % 2 === 0
      ? s.create('attendance', { participant_id: participant, date: '2028-03-01', status: 'present' })
      : s.create('honors', {
          participant_id: participant,
          date: '2028-03-01',
          reason: 'Kept the fire going',
        });
  };
}

/** B2 (setup, not timed): the offline work done through the store, children pointing at temp ids. */
export async function oursOfflineWork(session: Session, ops: OfflineCreate[]): Promise<{ outbox: number }> {
  const s = await open(session, true);
  const first = await s.sync(); // the device has the organization's reference data (badge templates)
  const failure = syncFailed(first);
  if (failure) throw new Error(`B2 setup sync: ${failure}`);
  const ids = new Map<string, string | number>();
  for (const op of ops) {
    const fields = resolveRefs(op.fields, (key) => ids.get(key));
    const record = await s.create(op.type, fields as never);
    ids.set(op.key, record.id as string | number);
  }
  return { outbox: await s.db._outbox.where('status').equals('pending').count() };
}

/** B2: the offline work drained to the server by `sync()`, until nothing is left to send. */
export async function oursDrain(): Promise<
  OursRun & {
    left: number;
    syncCalls: number;
    requestMs: RequestCounts;
    phases: { markMs: number; settleMs: number; answerWaitMs: number };
  }
> {
  const s = current();
  counter.reset();
  // The engine's push phases, from its User Timing measures.
  const phases = { markMs: 0, settleMs: 0, answerWaitMs: 0 };
  const field = {
    [PUSH_PHASES.mark]: 'markMs',
    [PUSH_PHASES.settle]: 'settleMs',
    [PUSH_PHASES.answer]: 'answerWaitMs',
  } as Record<string, keyof typeof phases>;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const name = field[entry.name];
      if (name) phases[name] += entry.duration;
    }
  });
  observer.observe({ type: 'measure' });
  const stop = startMonitor();
  const t0 = performance.now();
  let report = await s.sync();
  let syncCalls = 1;
  const unsent = () => s.db._outbox.where('status').anyOf('pending', 'in_progress').count();
  while ((await unsent()) > 0 && syncCalls < 100 && !syncFailed(report)) {
    report = await s.sync();
    syncCalls += 1;
  }
  const ms = performance.now() - t0;
  const monitor = stop();
  await new Promise((resolve) => setTimeout(resolve, 0)); // an observer is told in a task
  observer.disconnect();
  const failure = syncFailed(report);
  if (failure) throw new Error(`drain: ${failure}`);
  const synced = await s.db._outbox.where('status').equals('synced').count();
  return {
    ms,
    rows: synced,
    requests: { ...counter.counts },
    requestMs: { ...counter.ms },
    phases,
    report,
    monitor,
    left: await unsent(),
    syncCalls,
  };
}

/** Closes the store (between workloads). */
export async function oursClose(): Promise<void> {
  if (store) await store.close();
  store = null;
}
