import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Database } from '../db/database';

/**
 * `@fastify/rate-limit`'s counts kept in PostgreSQL (`rate_limit_hits`, migration 008), so that
 * a user's budget is one budget whichever instance behind the load balancer serves them
 * (docs/server.md, "Load and fairness"). One statement per request counts the hit and reads
 * the window; keys (`user:<id>`, `address:<ip>`) are stored as their SHA-256 only. Expired
 * windows are pruned with the server's hourly prune (`auth/prune.ts`).
 */
export function postgresRateLimitStore(db: Database): FastifyRateLimitStoreCtor {
  class PostgresRateLimitStore implements FastifyRateLimitStore {
    constructor(private readonly prefix = '') {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const hash = createHash('sha256').update(`${this.prefix}${key}`).digest('base64url');
      db.query<{ hits: number; ttl: number | string }>(
        `INSERT INTO rate_limit_hits (key_hash, hits, window_ends_at)
         VALUES ($1, 1, clock_timestamp() + make_interval(secs => $2))
         ON CONFLICT (key_hash) DO UPDATE SET
           hits = CASE WHEN rate_limit_hits.window_ends_at > clock_timestamp() THEN rate_limit_hits.hits + 1 ELSE 1 END,
           window_ends_at = CASE WHEN rate_limit_hits.window_ends_at > clock_timestamp()
             THEN rate_limit_hits.window_ends_at ELSE EXCLUDED.window_ends_at END
         RETURNING hits, GREATEST(0, EXTRACT(EPOCH FROM (window_ends_at - clock_timestamp())) * 1000) AS ttl`,
        [hash, timeWindow / 1000],
      ).then(
        ([row]) =>
          callback(null, { current: row?.hits ?? 1, ttl: Math.ceil(Number(row?.ttl ?? timeWindow)) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: { path: string; prefix: string }): FastifyRateLimitStore {
      // A route with its own limit counts apart from the global one.
      return new PostgresRateLimitStore(`${this.prefix}${routeOptions.prefix}${routeOptions.path}:`);
    }
  }
  return PostgresRateLimitStore as unknown as FastifyRateLimitStoreCtor;
}
