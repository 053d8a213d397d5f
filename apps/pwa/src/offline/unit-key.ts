import type { WampumsOfflineDB } from '@wampums/client';
import { fromBase64, toBase64, VERIFIER_ITERATIONS } from './verifier';

/**
 * The data key of this phone (docs/privacy.md, "At rest on the phone"): a random AES-GCM key
 * that seals the sensitive fields of the records while the app is locked. It is kept only
 * wrapped:
 * - by a key derived (PBKDF2) from the password of each person who signed in here, beside their
 *   password verifier, so they can unlock without network;
 * - by the organization's unit key from the login answer, so any member signing in online can
 *   unlock, a person who never signed in on this phone included.
 * While someone is signed in, a non-extractable copy is kept (`OPEN_KEY_META`) so the app reopens
 * signed in; signing out seals the records and deletes that copy.
 */

/** A data key wrapped by a password (salt and iterations given) or by the unit key. */
export interface WrappedKey {
  /** Base64 of the PBKDF2 salt; absent when wrapped by the unit key. */
  salt?: string;
  iterations?: number;
  /** Base64 of the AES-GCM IV of the wrapping. */
  iv: string;
  /** Base64 of the wrapped key. */
  wrapped: string;
}

/** `_syncMeta`: the data key wrapped by the unit key. */
export const UNIT_WRAPPED_META = 'dataKeyByUnit';
/** `_syncMeta`: the data key while someone is signed in (a non-extractable CryptoKey). */
export const OPEN_KEY_META = 'dataKeyOpen';

const AES = { name: 'AES-GCM', length: 256 } as const;

async function passwordKey(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, AES, false, [
    'wrapKey',
    'unwrapKey',
  ]);
}

function unitWrappingKey(unitKey: string): Promise<CryptoKey> {
  const raw = fromBase64(
    unitKey
      .replaceAll('-', '+')
      .replaceAll('_', '/')
      .padEnd(Math.ceil(unitKey.length / 4) * 4, '='),
  );
  return crypto.subtle.importKey('raw', raw, AES, false, ['wrapKey', 'unwrapKey']);
}

async function wrapWith(dataKey: CryptoKey, wrapping: CryptoKey): Promise<{ iv: string; wrapped: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, wrapping, { name: 'AES-GCM', iv });
  return { iv: toBase64(iv), wrapped: toBase64(new Uint8Array(wrapped)) };
}

/** Unwraps an extractable data key (it is wrapped again for the person signing in). */
function unwrapWith(key: WrappedKey, wrapping: CryptoKey): Promise<CryptoKey> {
  return crypto.subtle.unwrapKey(
    'raw',
    fromBase64(key.wrapped),
    wrapping,
    { name: 'AES-GCM', iv: fromBase64(key.iv) },
    AES,
    true,
    ['encrypt', 'decrypt'],
  );
}

/** A new random data key (extractable, so it can be wrapped; only wrapped copies are stored). */
export function newDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey(AES, true, ['encrypt', 'decrypt']);
}

export async function wrapWithPassword(
  dataKey: CryptoKey,
  password: string,
  iterations: number = VERIFIER_ITERATIONS,
): Promise<WrappedKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    salt: toBase64(salt),
    iterations,
    ...(await wrapWith(dataKey, await passwordKey(password, salt, iterations))),
  };
}

export async function wrapWithUnitKey(dataKey: CryptoKey, unitKey: string): Promise<WrappedKey> {
  return wrapWith(dataKey, await unitWrappingKey(unitKey));
}

/** The data key, or `null` when the password or unit key does not open this wrapping. */
export async function unwrapDataKey(
  key: WrappedKey,
  secret: { password: string } | { unitKey: string },
): Promise<CryptoKey | null> {
  try {
    const wrapping =
      'password' in secret
        ? await passwordKey(
            secret.password,
            fromBase64(key.salt ?? ''),
            key.iterations ?? VERIFIER_ITERATIONS,
          )
        : await unitWrappingKey(secret.unitKey);
    return await unwrapWith(key, wrapping);
  } catch {
    return null;
  }
}

/** A copy of `dataKey` that can no longer be exported: the one kept while signed in. */
export async function lockedCopy(dataKey: CryptoKey): Promise<CryptoKey> {
  const raw = await crypto.subtle.exportKey('raw', dataKey);
  return crypto.subtle.importKey('raw', raw, AES, false, ['encrypt', 'decrypt']);
}

export async function readUnitWrapped(db: WampumsOfflineDB): Promise<WrappedKey | null> {
  return ((await db._syncMeta.get(UNIT_WRAPPED_META))?.value as WrappedKey | undefined) ?? null;
}

export async function writeUnitWrapped(db: WampumsOfflineDB, key: WrappedKey): Promise<void> {
  await db._syncMeta.put({ key: UNIT_WRAPPED_META, value: key });
}

export async function readOpenKey(db: WampumsOfflineDB): Promise<CryptoKey | null> {
  const value = (await db._syncMeta.get(OPEN_KEY_META))?.value;
  return value instanceof CryptoKey ? value : null;
}

/** Keeps (or, with `null`, deletes) the data key held while someone is signed in. */
export async function writeOpenKey(db: WampumsOfflineDB, key: CryptoKey | null): Promise<void> {
  if (key) await db._syncMeta.put({ key: OPEN_KEY_META, value: key });
  else await db._syncMeta.delete(OPEN_KEY_META);
}

/** Seals `text` (a token waiting to be revoked) with the data key. */
export async function sealText(key: CryptoKey, text: string): Promise<{ iv: string; data: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(text));
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

export async function openText(key: CryptoKey, sealed: { iv: string; data: string }): Promise<string | null> {
  try {
    const clear = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64(sealed.iv) },
      key,
      fromBase64(sealed.data),
    );
    return new TextDecoder().decode(clear);
  } catch {
    return null;
  }
}
