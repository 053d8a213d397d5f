import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it('doubles with each failure and stops at the cap', () => {
    const fixed = () => 1; // top of the jitter range = the nominal delay
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, fixed, options))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(20, fixed, options)).toBe(60_000);
    expect(backoffDelay(1000, fixed, options)).toBe(60_000);
  });

  it('spreads retries with jitter between half and the whole nominal delay', () => {
    expect(backoffDelay(3, () => 0, options)).toBe(2000);
    expect(backoffDelay(3, () => 0.5, options)).toBe(3000);
    const seen = new Set(Array.from({ length: 20 }, () => backoffDelay(5, Math.random, options)));
    expect(seen.size).toBeGreaterThan(1);
    for (const d of seen) expect(d).toBeGreaterThanOrEqual(8000);
  });
});
