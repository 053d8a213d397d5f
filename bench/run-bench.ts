import { startTestServer } from '@wampums/server/testing';
import type { BenchConfig } from './config';
import { browserVersion, buildBenchPage, launchProfile } from './lib/bench-page';
import { BenchDatabase } from './lib/database';
import { type MachineInfo, machineInfo } from './lib/machine';
import { startPeerEndpoint } from './peer/rxdb-endpoint';
import { type AppFigures, runApp } from './workloads/app';
import type { BenchContext } from './workloads/context';
import { type FairnessFigures, runFairness } from './workloads/fairness';
import { type CampFigures, runCamp } from './workloads/first-sync';
import { type LoadFigures, runLoad } from './workloads/load';
import { type PushFigures, runPush } from './workloads/push';

/** Everything one bench run measured, as written to bench/results/latest.json. */
export interface BenchResults {
  date: string;
  machine: MachineInfo;
  browser: string;
  postgres: string;
  config: BenchConfig;
  camp: CampFigures;
  push: PushFigures;
  load: LoadFigures;
  fairness: FairnessFigures;
  app: AppFigures | null;
  durationSec: number;
}

/**
 * Runs every workload against one server on a fresh PostgreSQL database, one Chromium profile
 * and one peer endpoint on the same database, so that each figure and its limit share a run.
 */
export async function runBench(
  config: BenchConfig,
  log: (message: string) => void = () => {},
): Promise<BenchResults> {
  const started = performance.now();
  log('building the bench page');
  await buildBenchPage();
  const server = await startTestServer({ backend: 'postgres', seedDemo: true });
  const cleanups: (() => Promise<void>)[] = [() => server.close()];
  try {
    if (!server.databaseUrl) throw new Error('the test server did not report its database');
    const db = new BenchDatabase(server.databaseUrl);
    cleanups.unshift(() => db.close());
    const peer = await startPeerEndpoint(server.databaseUrl);
    cleanups.unshift(() => peer.close());
    const profile = await launchProfile('main');
    cleanups.unshift(() => profile.close());
    const version = await db.pool.query<{ server_version: string }>('SHOW server_version');
    const postgres = version.rows[0]?.server_version.split(' ')[0] ?? 'unknown';
    const ctx: BenchContext = { config, server, db, peer, browser: profile.context, log };
    const camp = await runCamp(ctx);
    const push = await runPush(ctx);
    const load = await runLoad(ctx);
    const fairness = await runFairness(ctx);
    const app = config.skipApp ? null : await runApp(ctx, config.buildApp);
    return {
      date: new Date().toISOString(),
      machine: machineInfo(),
      browser: browserVersion(profile.context),
      postgres,
      config,
      camp,
      push,
      load,
      fairness,
      app,
      durationSec: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}
