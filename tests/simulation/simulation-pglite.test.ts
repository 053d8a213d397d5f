import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy } from '../support/fault-proxy';
import { type SimBackend, startPgliteBackend } from './harness/backend';
import { startProxy } from './harness/run-scenario';
import { simConfig } from './harness/sim-config';
import { simulate } from './harness/simulate';

let backend: SimBackend;
let proxy: FaultProxy;

beforeAll(async () => {
  backend = await startPgliteBackend();
  proxy = await startProxy(backend);
});

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

describe('multi-device simulation on embedded PGlite', () => {
  it('loses nothing, duplicates nothing and converges under network faults and crashes', async () => {
    const figures = await simulate(simConfig(), backend, proxy);
    expect(figures.violations).toEqual([]);
    for (const kind of [
      'drop-request',
      'drop-response',
      'duplicate-concurrent',
      'http-503',
      'timeout',
      'client-crash',
    ]) {
      expect(figures.faults[kind] ?? 0, kind).toBeGreaterThan(0);
    }
  });
});
