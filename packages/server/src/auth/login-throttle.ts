import { WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';

/**
 * Failed sign-ins, counted in PostgreSQL (so every instance shares them) per submitted email and
 * per client address (docs/server.md, "Sign-in throttling"). Neither key comes from anything a
 * caller can vary for free: not the unverified `Authorization` header. The per-address budget is
 * far larger than the per-account one: a camp's leaders share one network address, and one
 * person's mistyped password must not lock the others out.
 */
export interface LoginThrottleLimits {
  /** Failures per email within the window before sign-ins of that email wait (default 5). */
  perAccount: number;
  /** Failures per address within the window before sign-ins from it wait (default 100). */
  perAddress: number;
  /** The window, in seconds, from its first failure (default 15 min). */
  windowSeconds: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleLimits = {
  perAccount: 5,
  perAddress: 100,
  windowSeconds: 900,
};

const emailKey = (email: string) => `email:${email.normalize('NFKC').trim().toLowerCase()}`;
const addressKey = (ip: string) => `address:${ip}`;

/** Seconds to wait before this email may try again from this address, or 0 to go ahead. */
export async function loginWait(
  db: Queryable,
  limits: LoginThrottleLimits,
  email: string,
  ip: string,
): Promise<number> {
  const rows = await db.query<{ key: string; failures: number; wait_ms: number | string }>(
    `SELECT key, failures, EXTRACT(EPOCH FROM (window_ends_at - clock_timestamp())) * 1000 AS wait_ms
     FROM login_failures WHERE key = ANY($1::text[]) AND window_ends_at > clock_timestamp()`,
    [[emailKey(email), addressKey(ip)]],
  );
  let wait = 0;
  for (const row of rows) {
    const limit = row.key.startsWith('email:') ? limits.perAccount : limits.perAddress;
    if (row.failures >= limit) wait = Math.max(wait, Math.ceil(Number(row.wait_ms) / 1000));
  }
  return wait;
}

/** The 429 answered while sign-ins wait; `details.retryAfterSeconds` matches `Retry-After`. */
export function throttledError(waitSeconds: number): WampumsError {
  return new WampumsError('login_throttled', `Too many failed sign-ins; try again in ${waitSeconds} s`, {
    retryAfterSeconds: waitSeconds,
    retryAt: new Date(Date.now() + waitSeconds * 1000).toISOString(),
  });
}

/** Counts one failed sign-in for the email and the address. */
export async function recordLoginFailure(
  db: Queryable,
  limits: LoginThrottleLimits,
  email: string,
  ip: string,
): Promise<void> {
  await db.query(
    `INSERT INTO login_failures (key, failures, window_ends_at)
     SELECT k, 1, clock_timestamp() + make_interval(secs => $2) FROM unnest($1::text[]) AS k
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN login_failures.window_ends_at > clock_timestamp() THEN login_failures.failures + 1 ELSE 1 END,
       window_ends_at = CASE WHEN login_failures.window_ends_at > clock_timestamp() THEN login_failures.window_ends_at
         ELSE EXCLUDED.window_ends_at END`,
    [[emailKey(email), addressKey(ip)], limits.windowSeconds],
  );
}

/** A successful sign-in clears its email's failures (the address keeps its count). */
export async function clearLoginFailures(db: Queryable, email: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE key = $1', [emailKey(email)]);
}
