import { startTestServer } from '@wampums/server/testing';
import type { BenchConfig } from './config';
import { browserVersion, buildBenchPage, launchProfile } from './lib/bench-page';
import { BenchDatabase } from './lib/database';
import { type MachineInfo, machineInfo } from './lib/machine';
import { startPeerEndpoint } from './peer/rxdb-endpoint';
import type { BenchContext } from './workloads/context';
import { type CampFigures, runCamp } from './workloads/first-sync';
import { type PushFigures, runPush } from './workloads/push';

/** Everything one bench run measured, as written to bench/results/latest.json. */
export interface BenchResults {
  date: string;
  machine: MachineInfo;
  browser: string;
  config: BenchConfig;
  camp: CampFigures;
  push: PushFigures;
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
    const ctx: BenchContext = { config, server, db, peer, browser: profile.context, log };
    const camp = await runCamp(ctx);
    const push = await runPush(ctx);
    return {
      date: new Date().toISOString(),
      machine: machineInfo(),
      browser: browserVersion(profile.context),
      config,
      camp,
      push,
      durationSec: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}
