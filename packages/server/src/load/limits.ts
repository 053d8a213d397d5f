/**
 * The share of one server instance's work any organization or user may take (docs/server.md,
 * "Load and fairness"). Beyond it a request is answered 429 `rate_limited` with `Retry-After`
 * rather than queued without end, so one organization flooding the server never stalls
 * another's pushes or the health check.
 */
export interface LoadLimits {
  /** Pushes of one organization running at once on an instance (default 4). */
  pushesPerOrganization: number;
  /** Pushes of one user running at once on an instance (default 2). */
  pushesPerUser: number;
  /** Changes of one organization's running pushes, summed (default 2000: four full pushes). */
  changesInFlightPerOrganization: number;
  /** How long a push may wait for its organization's or user's turn before its 429, ms (default 2 s). */
  pushQueueWaitMs: number;
  /** Live streams one user may hold open, counted over every instance on the database (default 8). */
  streamsPerUser: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  pushesPerOrganization: 4,
  pushesPerUser: 2,
  changesInFlightPerOrganization: 2000,
  pushQueueWaitMs: 2000,
  streamsPerUser: 8,
};

/** Seconds a client is told to wait after a 429 of these limits. */
export const LOAD_RETRY_AFTER_SECONDS = 1;

/**
 * How long a live stream's slot lease lives without renewal, ms: an instance renews its leases
 * every third of it, and a killed instance's streams stop counting this long after it died.
 */
export const STREAM_LEASE_MS = 60_000;

/**
 * `PUSHES_PER_ORGANIZATION`, `PUSHES_PER_USER`, `CHANGES_IN_FLIGHT_PER_ORGANIZATION`,
 * `PUSH_QUEUE_WAIT_MS`, `STREAMS_PER_USER` (docs/server.md); unset ones keep their default.
 */
export function loadLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<LoadLimits> {
  const names: [keyof LoadLimits, string][] = [
    ['pushesPerOrganization', 'PUSHES_PER_ORGANIZATION'],
    ['pushesPerUser', 'PUSHES_PER_USER'],
    ['changesInFlightPerOrganization', 'CHANGES_IN_FLIGHT_PER_ORGANIZATION'],
    ['pushQueueWaitMs', 'PUSH_QUEUE_WAIT_MS'],
    ['streamsPerUser', 'STREAMS_PER_USER'],
  ];
  const limits: Partial<LoadLimits> = {};
  for (const [key, name] of names) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got "${raw}"`);
    limits[key] = value;
  }
  return limits;
}
