/**
 * Sizes of every workload. Defaults are the figures of the issue; each can be lowered through
 * the environment for a quick run (`BENCH_ROWS=5000 BENCH_RUNS=1 npm run bench`).
 */
export interface BenchConfig {
  /** Repetitions of each timed figure (median, min and max are reported). */
  runs: number;
  /**
   * Repetitions of B2 (and B7's push), apart from `runs`: one run at 10,000 changes takes about a
   * minute with its untimed setup (the 10,000 offline creates).
   */
  pushRuns: number;
  /** B1 and B3: rows of one organization stored / pulled. */
  rows: number;
  /** B1: user actions timed (half attendance, half honors). */
  localWrites: number;
  /** B2 and B7: offline changes drained. */
  changes: number;
  /** B4: changed-row counts of the incremental syncs. */
  incremental: readonly number[];
  /** B5: concurrent clients, organizations, and changes each client pushes. */
  loadClients: number;
  loadOrganizations: number;
  loadChangesPerClient: number;
  /** B5F: concurrent pushes of the flooding organization, and changes in each. */
  floodPushes: number;
  floodChanges: number;
  /** B5S: live streams of another organization open, and single-change writes timed per phase. */
  streams: number;
  streamWrites: number;
  /** B5M: server instances behind HAProxy. */
  instances: number;
  /** B6: cold offline opens timed. */
  appOpens: number;
  /** Client tuning, the same for our engine and the peer. */
  pushBatchSize: number;
  pullPageSize: number;
  /** Skip the PWA figure (B6) when set, e.g. for the smoke run when no build is wanted. */
  skipApp: boolean;
  /** Build the PWA before B6 even when a build is there (the full run does, to time the current code). */
  buildApp: boolean;
  /**
   * The workloads to run (`BENCH_ONLY=B1,B2`), `null` for all. A workload left out returns empty
   * figures and its lines leave the table; a partial run writes no results file.
   */
  only: ReadonlySet<WorkloadId> | null;
}

/** B5F, B5S, B5M: B5's fairness rows (flood, open streams, several instances), each runnable alone. */
export const WORKLOAD_IDS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B5F', 'B5S', 'B5M', 'B6', 'B7'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** Whether any of `ids` is part of this run. */
export function selected(config: BenchConfig, ...ids: WorkloadId[]): boolean {
  return config.only === null || ids.some((id) => config.only?.has(id));
}

function onlyFromEnv(): ReadonlySet<WorkloadId> | null {
  const raw = process.env.BENCH_ONLY?.trim();
  if (!raw) return null;
  const ids = raw.split(',').map((id) => id.trim().toUpperCase());
  for (const id of ids) {
    if (!(WORKLOAD_IDS as readonly string[]).includes(id))
      throw new Error(`BENCH_ONLY lists "${id}": expected some of ${WORKLOAD_IDS.join(',')}`);
  }
  return new Set(ids as WorkloadId[]);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** The full-size configuration, with environment overrides. */
export function configFromEnv(): BenchConfig {
  const rows = intFromEnv('BENCH_ROWS', 50_000);
  const only = onlyFromEnv();
  return {
    runs: intFromEnv('BENCH_RUNS', 3),
    pushRuns: intFromEnv('BENCH_PUSH_RUNS', 3),
    rows,
    // A p95 of 200 actions is their 10th slowest: it moved by 2x from run to run.
    localWrites: intFromEnv('BENCH_LOCAL_WRITES', 1000),
    changes: intFromEnv('BENCH_CHANGES', 10_000),
    incremental: [1, Math.min(100, rows)],
    loadClients: intFromEnv('BENCH_LOAD_CLIENTS', 50),
    loadOrganizations: intFromEnv('BENCH_LOAD_ORGS', 10),
    loadChangesPerClient: intFromEnv('BENCH_LOAD_CHANGES', 60),
    floodPushes: intFromEnv('BENCH_FLOOD_PUSHES', 20),
    floodChanges: intFromEnv('BENCH_FLOOD_CHANGES', 500),
    streams: intFromEnv('BENCH_STREAMS', 600),
    streamWrites: intFromEnv('BENCH_STREAM_WRITES', 100),
    instances: intFromEnv('BENCH_INSTANCES', 3),
    appOpens: intFromEnv('BENCH_APP_OPENS', 3),
    pushBatchSize: intFromEnv('BENCH_PUSH_BATCH', 200),
    pullPageSize: intFromEnv('BENCH_PULL_PAGE', 500),
    skipApp: process.env.BENCH_SKIP_APP === '1' || (only !== null && !only.has('B6')),
    buildApp: process.env.BENCH_BUILD_APP !== '0',
    only,
  };
}

/** Tiny sizes for the smoke test: every figure produced, in well under a minute. */
export function smokeConfig(): BenchConfig {
  return {
    runs: 1,
    pushRuns: 1,
    rows: 600,
    localWrites: 10,
    changes: 120,
    incremental: [1, 5],
    loadClients: 4,
    loadOrganizations: 2,
    loadChangesPerClient: 10,
    floodPushes: 3,
    floodChanges: 50,
    streams: 20,
    streamWrites: 10,
    instances: 2,
    appOpens: 1,
    pushBatchSize: 50,
    pullPageSize: 100,
    skipApp: false,
    buildApp: false,
    only: null,
  };
}
