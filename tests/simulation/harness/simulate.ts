import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { FaultProxy } from '../../support/fault-proxy';
import type { SimBackend } from './backend';
import { addInto, reportFigures, type SimulationFigures, saveFailure } from './figures';
import { minimizeSteps } from './minimize';
import { type RunOptions, type RunResult, runScenario, type SimEnvironment } from './run-scenario';
import { scenarioArbitrary } from './scenario-arbitrary';
import type { SimConfig } from './sim-config';
import { sizesFor } from './sim-config';
import type { Scenario } from './steps';

/** A failing run: its seed, the shrunk scenario and what that scenario broke. */
export interface SimulationFailure {
  seed: number;
  run: number;
  shrinks: number;
  shrinkRuns: number;
  shrinkMs: number;
  scenario: Scenario;
  violations: string[];
}

/**
 * Runs the property "every invariant holds after any scenario", one fast-check run per seed
 * (run i uses seed + i), so that each run replays on its own with `SIM_SEED=<seed> SIM_RUNS=1`.
 * A failing run is shrunk for at most `config.shrinkMs`; the seed, the shrunk scenario and its
 * violations are printed, saved to `results/failure-<backend>-<seed>.json` (replay it with
 * `SIM_REPLAY=<file>`), and thrown.
 */
export async function simulate(
  config: SimConfig,
  backend: SimBackend,
  proxy: FaultProxy,
  options: RunOptions = {},
): Promise<SimulationFigures> {
  const sizes = sizesFor(config, backend.name);
  const env: SimEnvironment = { backend, proxy, fetchTimeoutMs: config.fetchTimeoutMs };
  const file = backend.name === 'postgres' ? 'simulation-postgres' : 'simulation-pglite';
  const figures: SimulationFigures = {
    profile: config.profile,
    backend: backend.name,
    seed: config.seed,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    runs: 0,
    steps: 0,
    operations: {},
    operationsTotal: 0,
    faults: {},
    faultsTotal: 0,
    other: {},
    serverRestartMs: [],
    violations: [],
    passed: false,
    command: '',
  };
  const started = Date.now();
  const record = (result: RunResult) => {
    figures.runs += 1;
    figures.steps += result.steps;
    addInto(figures.operations, result.operations);
    addInto(figures.faults, result.faults);
    addInto(figures.other, result.other);
  };
  const replayOf = (seed: number) =>
    `SIM_PROFILE=${config.profile} SIM_SCALE=${config.scale} SIM_SEED=${seed} SIM_RUNS=1 npx vitest run --project simulation ${file}`;
  console.log(
    `simulation ${config.profile} on ${backend.name}: seed ${config.seed} (run i uses seed + i), up to ${sizes.runs} runs of ${sizes.minSteps}-${sizes.maxSteps} steps${config.timeLimitMs ? `, ${config.timeLimitMs / 60_000} min` : ''}`,
  );

  const failures: SimulationFailure[] = [];
  try {
    if (config.replayFile) {
      const saved = JSON.parse(readFileSync(config.replayFile, 'utf8')) as {
        seed: number;
        scenario: Scenario;
      };
      figures.seed = saved.seed;
      console.log(`replaying ${config.replayFile} (seed ${saved.seed})`);
      const result = await runScenario(env, saved.scenario, options);
      record(result);
      if (result.violations.length > 0) {
        // A saved case shrinks further within the budget (`SIM_NO_SHRINK=1`: as saved).
        const started = Date.now();
        const minimized =
          config.shrinkMs > 0
            ? await minimizeSteps(
                { scenario: saved.scenario, violations: result.violations },
                (scenario) => runScenario(env, scenario, options).then((r) => r.violations),
                started + config.shrinkMs,
              )
            : { scenario: saved.scenario, violations: result.violations, attempts: 0, reductions: 0 };
        failures.push({
          seed: saved.seed,
          run: 1,
          shrinks: minimized.reductions,
          shrinkRuns: minimized.attempts,
          shrinkMs: Date.now() - started,
          scenario: minimized.scenario,
          violations: minimized.violations,
        });
      }
    } else {
      for (let i = 0; i < sizes.runs && (failures.length === 0 || config.keepGoing); i++) {
        if (config.timeLimitMs !== null && Date.now() - started >= config.timeLimitMs) break;
        const seed = (config.seed + i) | 0;
        console.log(`run ${i + 1}: seed ${seed} (replay: ${replayOf(seed)})`);
        // Only the first failure is shrunk: the others are reported by seed.
        const failure = await runOne(seed, i + 1, failures.length === 0 ? config.shrinkMs : 0);
        if (failure) failures.push(failure);
      }
    }
  } finally {
    figures.durationMs = Date.now() - started;
    figures.operationsTotal = Object.entries(figures.operations)
      .filter(([k]) => !k.startsWith('chain:') && k !== 'sync')
      .reduce((sum, [, n]) => sum + n, 0);
    figures.faultsTotal = Object.entries(figures.faults)
      .filter(([k]) => k !== 'clock-skew-device')
      .reduce((sum, [, n]) => sum + n, 0);
    figures.serverRestartMs = backend.restartTimes;
    figures.passed = failures.length === 0 && figures.runs > 0;
    figures.command = `SIM_PROFILE=${config.profile} SIM_SCALE=${config.scale} SIM_SEED=${config.seed} SIM_RUNS=${figures.runs} npx vitest run --project simulation ${file}`;
    for (const failure of failures) {
      figures.violations.push({
        seed: failure.seed,
        run: failure.run,
        messages: failure.violations.slice(0, 20),
      });
    }
    reportFigures(figures);
  }
  const [failure, ...others] = failures;
  if (failure) {
    const saved = saveFailure(backend.name, failure);
    const report = [
      `simulation ${config.profile} on ${backend.name} FAILED in run ${failure.run}, seed ${failure.seed}`,
      `  replay the run:          ${replayOf(failure.seed)} (add SIM_NO_SHRINK=1 to skip shrinking, SIM_VERBOSE=1 SIM_TRACE=1 to follow it)`,
      `  replay the shrunk case:  SIM_REPLAY=${saved} SIM_VERBOSE=1 npx vitest run --project simulation ${file}`,
      `  shrunk ${failure.shrinks} times (${failure.shrinkRuns} runs tried, ${Math.round(failure.shrinkMs / 1000)} s, budget ${Math.round(config.shrinkMs / 1000)} s) to ${failure.scenario.steps.length} steps, device clock skews ${failure.scenario.devices.map((d) => `${d.skewMinutes} min`).join(', ')}, jitter seed ${failure.scenario.jitterSeed}:`,
      ...failure.scenario.steps.map((step, i) => `    ${i}: ${JSON.stringify(step)}`),
      '  violations of the shrunk case:',
      ...failure.violations.slice(0, 20).map((v) => `    - ${v}`),
      ...others.map(
        (f) =>
          `  also failed: run ${f.run}, seed ${f.seed} (${replayOf(f.seed)}): ${f.violations.slice(0, 3).join('; ')}`,
      ),
    ].join('\n');
    console.error(report);
    throw new Error(report);
  }
  return figures;

  /** One generated run; on failure, removes steps from it within the shrink budget. */
  async function runOne(seed: number, run: number, shrinkMs: number): Promise<SimulationFailure | null> {
    let failedAt = 0;
    let violations: string[] = [];
    const attempt = async (scenario: Scenario): Promise<string[]> => {
      try {
        return (await runScenario(env, scenario, options)).violations;
      } catch (error) {
        return [`the run threw: ${(error as Error).stack ?? String(error)}`];
      }
    };
    const property = fc.asyncProperty(
      scenarioArbitrary({
        devices: sizes.devices,
        minSteps: sizes.minSteps,
        maxSteps: sizes.maxSteps,
        serverKills: backend.killable,
        fetchTimeoutMs: config.fetchTimeoutMs,
      }),
      async (scenario) => {
        const result = await runScenario(env, scenario, options).catch((error: unknown) => {
          violations = [`the run threw: ${(error as Error).stack ?? String(error)}`];
          throw error;
        });
        record(result);
        if (result.violations.length === 0) return;
        violations = result.violations;
        throw new Error(`invariants violated:\n- ${result.violations.slice(0, 20).join('\n- ')}`);
      },
    );
    // fast-check generates the run from the seed; shrinking is ours (`minimizeSteps`), because
    // fast-check's cannot go below the arbitrary's minimum length.
    const details = await fc.check(property, { seed, numRuns: 1, endOnFailure: true });
    if (!details.failed) return null;
    failedAt = Date.now();
    const [scenario] = details.counterexample ?? [];
    if (!scenario)
      throw details.errorInstance ?? new Error(`run ${run} (seed ${seed}) failed without a case`);
    const minimized =
      shrinkMs > 0
        ? await minimizeSteps({ scenario, violations }, attempt, failedAt + shrinkMs)
        : { scenario, violations, attempts: 0, reductions: 0 };
    return {
      seed,
      run,
      shrinks: minimized.reductions,
      shrinkRuns: minimized.attempts,
      shrinkMs: Date.now() - failedAt,
      scenario: minimized.scenario,
      violations: minimized.violations,
    };
  }
}
