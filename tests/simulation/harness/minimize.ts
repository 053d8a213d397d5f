import type { Scenario } from './steps';

/** The smallest failing scenario found, and what it broke. */
export interface Minimized {
  scenario: Scenario;
  violations: string[];
  /** Runs tried, and how many of them still failed (each removed steps). */
  attempts: number;
  reductions: number;
}

/**
 * Removes steps from a failing scenario while it still fails (any violation counts), trying
 * halves first, then quarters, down to single steps, until `deadline` (a run in flight
 * finishes). fast-check's own shrinking cannot go below the arbitrary's minimum length, and a
 * long run costs seconds, so chunks of steps go first: a 300-step failure usually comes down
 * to a few dozen steps within a minute.
 */
export async function minimizeSteps(
  failing: { scenario: Scenario; violations: string[] },
  violationsOf: (scenario: Scenario) => Promise<string[]>,
  deadline: number,
): Promise<Minimized> {
  let { scenario, violations } = failing;
  let attempts = 0;
  let reductions = 0;
  let chunk = Math.ceil(scenario.steps.length / 2);
  while (chunk >= 1 && Date.now() < deadline) {
    for (let start = 0; start < scenario.steps.length && Date.now() < deadline; ) {
      const steps = [...scenario.steps.slice(0, start), ...scenario.steps.slice(start + chunk)];
      const candidate = { ...scenario, steps };
      attempts += 1;
      const found = await violationsOf(candidate);
      if (found.length > 0) {
        scenario = candidate;
        violations = found;
        reductions += 1;
      } else {
        start += chunk;
      }
    }
    chunk = Math.floor(chunk / 2);
  }
  return { scenario, violations, attempts, reductions };
}
