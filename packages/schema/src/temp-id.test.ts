import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTempId, isTempId, parseTempId } from './temp-id';

describe('temp ids', () => {
  it('always parse back to their timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999_999 }), (now) => {
        const id = generateTempId(now);
        expect(isTempId(id)).toBe(true);
        expect(parseTempId(id)?.timestamp).toBe(now);
        expect(id).toMatch(/^temp_\d+_[a-z0-9]{6}$/);
      }),
    );
  });

  it('never collide in practice: a burst within one millisecond, and a week of camp on many phones', () => {
    const now = 1_707_600_000_000;
    // 1 / 36^6 per pair: a burst of 500 in the same millisecond collides with p ~ 6e-5.
    const burst = new Set(Array.from({ length: 500 }, () => generateTempId(now)));
    expect(burst.size).toBe(500);
    // 100,000 records created across ten seconds (far denser than any camp).
    const spread = new Set(
      Array.from({ length: 100_000 }, (_, i) => generateTempId(now + Math.floor(i / 10))),
    );
    expect(spread.size).toBe(100_000);
  });

  it('recognise the seed example and refuse anything else', () => {
    expect(isTempId('temp_1707600000_a1b2c3')).toBe(true);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.constant('temp_12_ABCDEF')),
        (value) => {
          fc.pre(typeof value !== 'string' || !/^temp_\d{1,16}_[a-z0-9]{6}$/.test(value));
          expect(isTempId(value)).toBe(false);
          expect(parseTempId(value)).toBeNull();
        },
      ),
    );
  });
});
