import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultProxy, ProxyFault } from '../support/fault-proxy';
import { type SimBackend, startPgliteBackend } from './harness/backend';
import { runScenario, type SimEnvironment, startProxy } from './harness/run-scenario';
import type { Scenario, Step } from './harness/steps';

// The invariants are only worth their silence if they speak up when something is broken: each
// case breaks one behaviour on purpose and expects the run's checks to report exactly that.

let backend: SimBackend;
let proxy: FaultProxy;
let env: SimEnvironment;

beforeAll(async () => {
  backend = await startPgliteBackend();
  proxy = await startProxy(backend);
  env = { backend, proxy, fetchTimeoutMs: 800 };
});

afterAll(async () => {
  await proxy?.stop();
  await backend?.close();
});

const scenario = (steps: Step[]): Scenario => ({
  devices: [{ skewMinutes: 0 }, { skewMinutes: 0 }],
  steps,
  jitterSeed: 1,
});
const sync = (d: number, faults: ProxyFault[] = []): Step => ({
  t: 'sync',
  d,
  faults,
  crashAtWrite: null,
  ignoreBackoff: true,
});

describe('the oracle catches broken behaviour', () => {
  it('reports a device that lost a row the server committed', async () => {
    const result = await runScenario(env, scenario([{ t: 'family', d: 0, variant: 0 }, sync(0), sync(1)]), {
      tour: false,
      beforeFinalChecks: async ([, second]) => {
        const honors = second?.store.db.entity('honors');
        expect(await honors?.count()).toBe(1);
        await honors?.clear();
      },
    });
    expect(result.violations).toEqual([expect.stringMatching(/^device 1 lacks honors \d+$/)]);
  });

  it('reports a create applied twice under two correlation ids', async () => {
    const result = await runScenario(
      env,
      scenario([
        { t: 'create', d: 0, entity: 'groups', pick: 0, pick2: 0, variant: 0 },
        sync(0, [{ kind: 'forged-duplicate' }]),
      ]),
      { tour: false },
    );
    expect(result.violations).toContainEqual(
      expect.stringMatching(/^duplicate rows on the server for groups\|/),
    );
  });

  it('stays silent when nothing is broken', async () => {
    const result = await runScenario(
      env,
      scenario([
        { t: 'family', d: 0, variant: 0 },
        { t: 'create', d: 1, entity: 'groups', pick: 0, pick2: 0, variant: 0 },
        sync(0, [{ kind: 'drop-response' }]),
        sync(1),
        sync(0),
      ]),
      { tour: false },
    );
    expect(result.violations).toEqual([]);
    expect(result.operations.get('create:honors')).toBe(1);
  });
});
