import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  lockedCopy,
  newDataKey,
  unwrapDataKey,
  wrapWithPassword,
  wrapWithUnitKey,
} from '../src/offline/unit-key';

/** Few iterations: the wrapping is what is tested here, not PBKDF2's cost. */
const ITERATIONS = 1_000;

async function sameKey(a: CryptoKey, b: CryptoKey): Promise<boolean> {
  const iv = new Uint8Array(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    a,
    new TextEncoder().encode('Ventolin'),
  );
  try {
    return (
      new TextDecoder().decode(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, b, sealed)) === 'Ventolin'
    );
  } catch {
    return false;
  }
}

describe("the phone's data key", () => {
  it("is opened by the person's password and by the unit key, and by nothing else", async () => {
    const key = await newDataKey();
    const unitKey = randomBytes(32).toString('base64url');
    const byPassword = await wrapWithPassword(key, 'offline-first', ITERATIONS);
    const byUnit = await wrapWithUnitKey(key, unitKey);
    expect(JSON.stringify([byPassword, byUnit])).not.toContain(
      Buffer.from(await crypto.subtle.exportKey('raw', key)).toString('base64'),
    );

    const fromPassword = await unwrapDataKey(byPassword, { password: 'offline-first' });
    const fromUnit = await unwrapDataKey(byUnit, { unitKey });
    expect(fromPassword && (await sameKey(key, fromPassword))).toBe(true);
    expect(fromUnit && (await sameKey(key, fromUnit))).toBe(true);

    expect(await unwrapDataKey(byPassword, { password: 'not-the-password' })).toBeNull();
    expect(await unwrapDataKey(byUnit, { unitKey: randomBytes(32).toString('base64url') })).toBeNull();
    // Two wrappings of the same key by the same password differ (fresh salt and IV).
    expect((await wrapWithPassword(key, 'offline-first', ITERATIONS)).wrapped).not.toBe(byPassword.wrapped);
  });

  it('is kept, while signed in, as a copy that cannot be exported', async () => {
    const key = await newDataKey();
    const kept = await lockedCopy(key);
    expect(kept.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', kept)).rejects.toThrow();
    expect(await sameKey(key, kept)).toBe(true);
  });
});
