import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../support/fault-proxy';
import { type SimBackend, startPostgresBackend } from './harness/backend';
import { startProxy } from './harness/run-scenario';
import { simConfig } from './harness/sim-config';
import { simulate } from './harness/simulate';

let backend: SimBackend;
let proxy: FaultProxy;

beforeAll(async () => {
  backend = await startPostgresBackend();
  proxy = await startProxy(backend);
});

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('multi-device simulation on PostgreSQL, server killed mid-push', () => {
  it('loses nothing, duplicates nothing and converges under every fault', async () => {
    const config = simConfig();
    const figures = await simulate(config, backend, proxy);
    expect(figures.violations).toEqual([]);
    // Every fault kind was met (the tour at the end of each run guarantees it).
    for (const kind of [
      'drop-request',
      'drop-response',
      'duplicate-concurrent',
      'duplicate-sequential',
      'http-500',
      'http-502',
      'http-503',
      'http-429',
      'http-502-after-commit',
      'slow',
      'timeout',
      'server-kill',
      'client-crash',
    ]) {
      expect(figures.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(figures.operationsTotal).toBeGreaterThan(0);
  });
});
