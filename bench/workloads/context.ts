import type { TestServer } from '@wampums/server/testing';
import type { BrowserContext } from 'playwright-core';
import type { BenchConfig } from '../config';
import type { BenchDatabase } from '../lib/database';
import type { Spread } from '../lib/stats';
import { spread } from '../lib/stats';
import type { PeerEndpoint } from '../peer/rxdb-endpoint';

/** Everything a workload runs against; one of each per bench run. */
export interface BenchContext {
  config: BenchConfig;
  server: TestServer;
  db: BenchDatabase;
  peer: PeerEndpoint;
  browser: BrowserContext;
  log(message: string): void;
}

/** A violated invariant: the run is wrong, not slow, so it stops the bench. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant broken: ${message}`);
}

/** The spread of a figure a partial run (`BENCH_ONLY`) did not measure. */
export const NOT_RUN: Spread = { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };

/** `spread`, or `NOT_RUN` when the figure was left out of this run. */
export function spreadIfRun(samples: readonly number[]): Spread {
  return samples.length === 0 ? NOT_RUN : spread(samples);
}
