/**
 * Sizes of the simulation. `npm test` runs the bounded profile; `npm run soak` runs the soak
 * profile (SIM_PROFILE=soak) for SOAK_MINUTES at SIM_SCALE times the steps per run.
 * SIM_SEED replays a seed (run i of a simulation uses seed + i); SIM_RUNS overrides the number
 * of runs; SIM_SHRINK_SECONDS bounds the shrinking of a failing run; SIM_NO_SHRINK=1 skips it;
 * SIM_REPLAY=<file> runs exactly the scenario saved in a failure file; SIM_KEEP_GOING=1 (the
 * soak's default) keeps running after a failing run.
 */
export interface SimConfig {
  profile: 'bounded' | 'soak';
  scale: number;
  seed: number;
  /** Stop starting new runs after this long (soak); `null`: run `runs` runs. */
  timeLimitMs: number | null;
  fetchTimeoutMs: number;
  /** Shrinking of a failing run stops after this long (the smallest failing case so far is reported). */
  shrinkMs: number;
  /** A saved failing scenario to run instead of generated ones. */
  replayFile: string | null;
  /** Keep starting runs after a failing one (the soak: every failing seed of the period is reported). */
  keepGoing: boolean;
}

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${raw}`);
  return value;
}

export function simConfig(): SimConfig {
  const profile = process.env.SIM_PROFILE === 'soak' ? 'soak' : 'bounded';
  const scale = numberEnv('SIM_SCALE', profile === 'soak' ? 10 : 1);
  return {
    profile,
    scale,
    seed: numberEnv('SIM_SEED', Math.floor(Math.random() * 2 ** 31)),
    timeLimitMs: profile === 'soak' ? numberEnv('SOAK_MINUTES', 10) * 60_000 : null,
    // Short, so that `timeout` faults cost little; still far above a healthy answer (~10 ms).
    fetchTimeoutMs: numberEnv('SIM_FETCH_TIMEOUT_MS', 800),
    shrinkMs:
      process.env.SIM_NO_SHRINK === '1'
        ? 0
        : numberEnv('SIM_SHRINK_SECONDS', profile === 'soak' ? 180 : 60) * 1000,
    replayFile: process.env.SIM_REPLAY || null,
    keepGoing: (process.env.SIM_KEEP_GOING ?? (profile === 'soak' ? '1' : '0')) === '1',
  };
}

/**
 * How big a run is on each backend. Few long runs: each run pays a fixed cost (organization,
 * logins, the fault tour, the final syncs), and long runs reach deeper states (long offline
 * periods, edits of records created and edited many steps before).
 */
export function sizesFor(config: SimConfig, backend: 'postgres' | 'pglite') {
  const base =
    backend === 'postgres'
      ? { runs: 2, minSteps: 250, maxSteps: 300 }
      : { runs: 1, minSteps: 100, maxSteps: 120 };
  return {
    devices: config.profile === 'soak' ? 4 : 3,
    runs: numberEnv('SIM_RUNS', config.profile === 'soak' ? 1_000_000 : base.runs),
    minSteps: Math.round(base.minSteps * config.scale),
    maxSteps: Math.round(base.maxSteps * config.scale),
  };
}

/** mulberry32: a small seeded generator, so backoff jitter replays with the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
