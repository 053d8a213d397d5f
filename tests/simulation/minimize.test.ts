import { describe, expect, it } from 'vitest';
import { minimizeSteps } from './harness/minimize';
import type { Scenario, Step } from './harness/steps';

const wait = (minutes: number): Step => ({ t: 'wait', d: 0, minutes });

describe('minimizeSteps', () => {
  it('keeps only the steps a failure needs', async () => {
    const scenario: Scenario = {
      devices: [{ skewMinutes: 0 }],
      jitterSeed: 1,
      steps: Array.from({ length: 40 }, (_, i) => wait(i)),
    };
    // Fails while step 7 comes before step 31, as an edit needs the create before it.
    const violationsOf = async (s: Scenario) => {
      const at = (m: number) => s.steps.findIndex((x) => x.t === 'wait' && x.minutes === m);
      return at(7) >= 0 && at(31) > at(7) ? ['broken'] : [];
    };
    const result = await minimizeSteps(
      { scenario, violations: ['broken'] },
      violationsOf,
      Date.now() + 10_000,
    );
    expect(result.scenario.steps).toEqual([wait(7), wait(31)]);
    expect(result.violations).toEqual(['broken']);
  });

  it('stops at the deadline with the smallest failing case so far', async () => {
    const scenario: Scenario = { devices: [], jitterSeed: 1, steps: [wait(1), wait(2)] };
    const result = await minimizeSteps({ scenario, violations: ['x'] }, async () => ['x'], Date.now() - 1);
    expect(result).toMatchObject({ scenario, attempts: 0 });
  });
});
