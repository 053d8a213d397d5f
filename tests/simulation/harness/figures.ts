import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The figures of one simulation (all runs of one `fc.assert`, shrinking included). */
export interface SimulationFigures {
  profile: string;
  backend: string;
  seed: number;
  startedAt: string;
  durationMs: number;
  runs: number;
  steps: number;
  operations: Record<string, number>;
  operationsTotal: number;
  faults: Record<string, number>;
  faultsTotal: number;
  other: Record<string, number>;
  serverRestartMs: number[];
  violations: { seed: number; run: number; messages: string[] }[];
  passed: boolean;
  command: string;
}

export function addInto(
  target: Record<string, number>,
  source: Map<string, number> | Record<string, number>,
): void {
  const entries = source instanceof Map ? [...source.entries()] : Object.entries(source);
  for (const [k, v] of entries) target[k] = (target[k] ?? 0) + v;
}

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

function sorted(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Prints the figures and writes them to `results/<profile>-<backend>.json` (ignored by git).
 * With `SIM_RECORD=1` they also go into the committed `results/last-run.json`.
 */
export function reportFigures(figures: SimulationFigures): void {
  const clean = {
    ...figures,
    operations: sorted(figures.operations),
    faults: sorted(figures.faults),
    other: sorted(figures.other),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    `${RESULTS}${figures.profile}-${figures.backend}.json`,
    `${JSON.stringify(clean, null, 2)}\n`,
  );
  if (process.env.SIM_RECORD === '1') {
    const file = `${RESULTS}last-run.json`;
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // first record
    }
    all[`${figures.profile}-${figures.backend}`] = clean;
    writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
    // The file is committed: give it the repository's JSON format, so that the lint stays clean.
    spawnSync('npx', ['biome', 'format', '--write', file], { stdio: 'ignore' });
  }
  const line = (r: Record<string, number>) =>
    Object.entries(sorted(r))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  console.log(
    [
      `simulation ${figures.profile} on ${figures.backend}: seed=${figures.seed} runs=${figures.runs} steps=${figures.steps} operations=${figures.operationsTotal} faults=${figures.faultsTotal} violations=${figures.violations.length} ${Math.round(figures.durationMs / 1000)} s`,
      `  operations: ${line(figures.operations)}`,
      `  faults: ${line(figures.faults)}`,
      `  other: ${line(figures.other)}`,
      `  reproduce: ${figures.command}`,
    ].join('\n'),
  );
}

/**
 * Saves a failing scenario (with its seed and violations) to `results/failure-<backend>-<seed>.json`
 * and returns the path, for `SIM_REPLAY=<path>`.
 */
export function saveFailure(
  backend: string,
  failure: { seed: number; scenario: unknown; violations: string[] },
): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = `${RESULTS}failure-${backend}-${failure.seed}.json`;
  writeFileSync(file, `${JSON.stringify(failure, null, 2)}\n`);
  return relative(process.cwd(), file);
}
