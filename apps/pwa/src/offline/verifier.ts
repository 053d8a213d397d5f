/**
 * A password verifier kept on the phone so that a person who signed in here before can unlock
 * the app without network (docs: apps/pwa/README.md, "Several people on one phone"). The password
 * itself is never stored: only a salted PBKDF2-SHA-256 hash, slow to compute on purpose, so
 * that a copy of the database does not give passwords away cheaply.
 */
export interface PasswordVerifier {
  algorithm: 'PBKDF2-SHA-256';
  iterations: number;
  /** Base64 of 16 random bytes. */
  salt: string;
  /** Base64 of the 32-byte derived key. */
  hash: string;
}

/** OWASP's figure for PBKDF2-HMAC-SHA-256: about half a second on a mid-range phone. */
export const VERIFIER_ITERATIONS = 600_000;

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** A new verifier of `password`, with a fresh salt. */
export async function createVerifier(
  password: string,
  iterations: number = VERIFIER_ITERATIONS,
): Promise<PasswordVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    algorithm: 'PBKDF2-SHA-256',
    iterations,
    salt: toBase64(salt),
    hash: toBase64(await derive(password, salt, iterations)),
  };
}

/** True when `password` is the one `verifier` was made from. */
export async function checkVerifier(verifier: PasswordVerifier, password: string): Promise<boolean> {
  if (verifier.algorithm !== 'PBKDF2-SHA-256') return false;
  const expected = fromBase64(verifier.hash);
  const actual = await derive(password, fromBase64(verifier.salt), verifier.iterations);
  // Compared in full whatever differs first: the time taken tells nothing about the hash.
  let diff = expected.length ^ actual.length;
  for (let i = 0; i < expected.length; i += 1) diff |= (expected[i] ?? 0) ^ (actual[i] ?? 0);
  return diff === 0;
}
