import { afterAll, beforeAll } from 'vitest';
import { startPgliteBackend } from './backend';
import {
  type RunOptions,
  type RunResult,
  runScenario,
  type SimEnvironment,
  startProxy,
} from './run-scenario';
import type { Step } from './steps';

/**
 * One PGlite-backed server and fault proxy per test file, for hand-written scenarios (regression
 * tests of seeds the simulation found). Returns a getter: the environment exists once
 * `beforeAll` has run.
 */
export function scenarioEnvironment(): () => SimEnvironment {
  let env: SimEnvironment | null = null;
  beforeAll(async () => {
    const backend = await startPgliteBackend();
    env = { backend, proxy: await startProxy(backend), fetchTimeoutMs: 800 };
  });
  afterAll(async () => {
    await env?.proxy.stop();
    await env?.backend.close();
  });
  return () => {
    if (!env) throw new Error('the scenario environment starts in beforeAll');
    return env;
  };
}

/** A sync of device `d` with no fault injected and backoff ignored. */
export const syncStep = (d: number): Step => ({
  t: 'sync',
  d,
  faults: [],
  crashAtWrite: null,
  ignoreBackoff: true,
});

/**
 * Runs hand-written `steps` on `devices` devices (0 signs in as the organization's admin, the
 * others as leaders), clocks in step and jitter seed 1, without the closing tour of fault kinds.
 */
export function runSteps(
  env: SimEnvironment,
  steps: Step[],
  { devices = 2, ...options }: { devices?: number } & Omit<RunOptions, 'tour'> = {},
): Promise<RunResult> {
  const scenario = {
    devices: Array.from({ length: devices }, () => ({ skewMinutes: 0 })),
    jitterSeed: 1,
    steps,
  };
  return runScenario(env, scenario, { ...options, tour: false });
}
