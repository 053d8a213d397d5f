import type { TestServer } from '@wampums/server/testing';
import type { BrowserContext } from 'playwright-core';
import type { BenchConfig } from '../config';
import type { BenchDatabase } from '../lib/database';
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
