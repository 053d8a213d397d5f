import fc from 'fast-check';
import type { FaultProxy } from '../../support/fault-proxy';
import type { SimBackend } from './backend';
import { addInto, reportFigures, type SimulationFigures } from './figures';
import { runScenario, type SimEnvironment } from './run-scenario';
import { scenarioArbitrary } from './scenario-arbitrary';
import { type SimConfig, seededRandom, sizesFor } from './sim-config';

/**
 * Runs the property "every invariant holds after any scenario" with fast-check: a printed
 * seed, and on failure the shrunk scenario and the seed and path that replay it.
 */
export async function simulate(
  config: SimConfig,
  backend: SimBackend,
  proxy: FaultProxy,
): Promise<SimulationFigures> {
  const sizes = sizesFor(config, backend.name);
  const env: SimEnvironment = {
    backend,
    proxy,
    fetchTimeoutMs: config.fetchTimeoutMs,
    random: (run) => seededRandom(config.seed + run),
  };
  const project = 'simulation';
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
    command: `SIM_PROFILE=${config.profile} SIM_SCALE=${config.scale} SIM_SEED=${config.seed}${config.timeLimitMs ? ` SOAK_MINUTES=${config.timeLimitMs / 60_000}` : ''} npx vitest run --project ${project} ${file}`,
  };
  console.log(
    `simulation ${config.profile} on ${backend.name}: seed ${config.seed} (replay with SIM_SEED=${config.seed})`,
  );
  const started = Date.now();
  const property = fc.asyncProperty(
    scenarioArbitrary({
      devices: sizes.devices,
      minSteps: sizes.minSteps,
      maxSteps: sizes.maxSteps,
      serverKills: backend.killable,
      fetchTimeoutMs: config.fetchTimeoutMs,
    }),
    async (scenario) => {
      const result = await runScenario(env, scenario);
      figures.runs += 1;
      figures.steps += result.steps;
      addInto(figures.operations, result.operations);
      addInto(figures.faults, result.faults);
      addInto(figures.other, result.other);
      if (result.violations.length > 0) {
        figures.violations.push({
          seed: config.seed,
          run: figures.runs,
          messages: result.violations.slice(0, 20),
        });
        throw new Error(`invariants violated:\n- ${result.violations.slice(0, 20).join('\n- ')}`);
      }
    },
  );
  try {
    await fc.assert(property, {
      seed: config.seed,
      numRuns: sizes.runs,
      ...(config.timeLimitMs ? { interruptAfterTimeLimit: config.timeLimitMs } : {}),
      // Shrinking replays whole runs: bound it so a failure is reported in reasonable time.
      ...(process.env.SIM_NO_SHRINK === '1' ? { endOnFailure: true } : {}),
    });
    figures.passed = true;
  } finally {
    figures.durationMs = Date.now() - started;
    figures.operationsTotal = Object.entries(figures.operations)
      .filter(([k]) => !k.startsWith('chain:') && k !== 'sync')
      .reduce((sum, [, n]) => sum + n, 0);
    figures.faultsTotal = Object.entries(figures.faults)
      .filter(([k]) => k !== 'clock-skew-device')
      .reduce((sum, [, n]) => sum + n, 0);
    figures.serverRestartMs = backend.restartTimes;
    reportFigures(figures);
  }
  return figures;
}
