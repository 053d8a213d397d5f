import { PUSH_LIMITS } from '@wampums/schema';
import type { LoginThrottleLimits } from './auth/login-throttle';
import type { DatabaseLimits } from './db/busy';
import type { LoadLimits } from './load/limits';

/** Settings of one server instance. */
export interface ServerConfig {
  /** TCP port; 0 picks a free one. */
  port: number;
  host: string;
  /** PostgreSQL connection string; without it the server uses an embedded PGlite database. */
  databaseUrl?: string;
  /** PGlite data folder; without it (and without `databaseUrl`) the database lives in memory. */
  dataDir?: string;
  /** Seed the demo organizations when the database has none yet. */
  seedDemo: boolean;
  /** Secret for tokens and cursors (HS256). */
  jwtSecret: string;
  /**
   * A former secret that still verifies tokens (never signs) until `until`: rotating
   * `jwtSecret` then signs no one out (`JWT_PREVIOUS_SECRET`, `JWT_PREVIOUS_SECRET_UNTIL`).
   */
  previousJwtSecret?: { secret: string; until: Date };
  /** Token lifetime in seconds (default 12 h); never past the session's end. */
  tokenTtlSeconds?: number;
  /** A session's absolute lifetime in seconds (default 14 days): no refresh passes it. */
  sessionTtlSeconds?: number;
  /** Failed sign-ins allowed per email and per address (docs/server.md); `false` disables it. */
  loginThrottle?: false | Partial<LoginThrottleLimits>;
  /**
   * Trust `X-Forwarded-For` from a reverse proxy for the client's address (Fastify's
   * `trustProxy`: `true`, or the proxy's addresses/CIDRs, comma-separated). Off by default: without a proxy, a
   * caller could name any address and escape the per-address sign-in limit.
   */
  trustProxy?: boolean | string;
  /** Requests per signed-in user (or per address without a genuine token) per window; `false` disables the limit. */
  rateLimit: false | { max: number; timeWindow: number };
  limits?: { maxChanges?: number; maxBytes?: number };
  /** The built PWA to serve at `/`; `null` serves only the API. */
  pwaDir: string | null;
  /** pino level: `info` by default, `silent` in tests. */
  logLevel?: string;
  /** Where log lines go (default stdout); tests read them here. */
  logStream?: { write(line: string): void };
  /** Interval of the live channel's heartbeat comment, in ms (default 20 s). */
  heartbeatMs?: number;
  /**
   * Time allowed to receive a whole request, in ms (default 30 s): a body trickling in byte by
   * byte (slow loris) is cut off instead of holding a socket forever.
   */
  requestTimeoutMs?: number;
  /** Pool size and timeouts of the database (`DB_*` variables; docs/server.md, "Load and fairness"). */
  database?: Partial<DatabaseLimits>;
  /** Each organization's and user's share of an instance's work (docs/server.md, "Load and fairness"). */
  load?: Partial<LoadLimits>;
  /** Change-log rows older than this many days are pruned (default 30, never below 14). */
  logRetentionDays?: number;
  /** Receipts and temp ids older than this many days are pruned (default 90, never below 30). */
  receiptRetentionDays?: number;
}

/** Limits with defaults filled in. */
export function resolvedLimits(config: Pick<ServerConfig, 'limits'>): {
  maxChanges: number;
  maxBytes: number;
} {
  return {
    maxChanges: config.limits?.maxChanges ?? PUSH_LIMITS.maxChanges,
    maxBytes: config.limits?.maxBytes ?? PUSH_LIMITS.maxBytes,
  };
}

/** The default rate limit: generous for one device syncing, tight enough to stop a runaway loop. */
export const DEFAULT_RATE_LIMIT = { max: 600, timeWindow: 60_000 } as const;
