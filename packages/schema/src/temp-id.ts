/**
 * Temp ids, `temp_{timestamp}_{6 random chars}` as the seed specifies. The timestamp is the
 * creation time in Unix milliseconds; the suffix draws from a CSPRNG, so two devices creating
 * records in the same millisecond collide with probability 1 / 36^6.
 */
export const TEMP_ID_PATTERN = /^temp_(\d{1,16})_([a-z0-9]{6})$/;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Web Crypto, present in browsers, service workers and Node 20 (the schema has no DOM types). */
const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(bytes: Uint8Array): Uint8Array } })
  .crypto;

export type TempId = `temp_${number}_${string}`;

/** Makes a new temp id. `now` and `random` are injectable for deterministic tests. */
export function generateTempId(
  now: number = Date.now(),
  random: (bytes: Uint8Array) => Uint8Array = (b) => webCrypto.getRandomValues(b),
): TempId {
  // 36 does not divide 256, so reject bytes >= 252 (7 * 36) to keep every char equally likely.
  let suffix = '';
  while (suffix.length < 6) {
    for (const byte of random(new Uint8Array(12))) {
      if (byte < 252 && suffix.length < 6) suffix += ALPHABET[byte % 36];
    }
  }
  return `temp_${Math.max(0, Math.floor(now))}_${suffix}` as TempId;
}

/** True when `value` is a temp id (and so not yet known to the server). */
export function isTempId(value: unknown): value is TempId {
  return typeof value === 'string' && TEMP_ID_PATTERN.test(value);
}

/** The parts of a temp id, or `null` when `value` is not one. */
export function parseTempId(value: unknown): { timestamp: number; suffix: string } | null {
  if (typeof value !== 'string') return null;
  const match = TEMP_ID_PATTERN.exec(value);
  if (!match) return null;
  return { timestamp: Number(match[1]), suffix: match[2] as string };
}
