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
