/** Exponential backoff with jitter for failed network attempts. */
export interface BackoffOptions {
  /** Delay after the first failure, ms. */
  baseMs: number;
  /** No delay is ever longer than this, ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60 * 1000 };

/**
 * The delay before attempt `retryCount + 1`: `base * 2^(retryCount-1)`, capped, with "equal
 * jitter" (half fixed, half random) so that many devices coming back online together do not
 * retry in lockstep, while each still waits at least half the nominal delay.
 */
export function backoffDelay(retryCount: number, random: () => number, options = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, retryCount - 1);
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 30));
  const half = nominal / 2;
  return Math.round(half + random() * half);
}

/**
 * The wait a 429 or 503 asks for in its `Retry-After` header (seconds, or an HTTP date), ms;
 * `null` without one. The server sends it when one organization or user is over its share or
 * the database is busy (docs/sync-protocol.md, "Retry-After").
 */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The backoff delay, never shorter than what the server asked for (`Retry-After`). */
export function delayHonouringServer(backoff: number, serverAskedMs: number | null | undefined): number {
  return typeof serverAskedMs === 'number' && serverAskedMs > backoff ? serverAskedMs : backoff;
}
