import { isEntityType, SEALED_ENTITY_TYPES, sensitiveFieldsOf } from '@wampums/schema';
import type { WampumsOfflineDB } from './db';

/**
 * Sealing at rest (docs/privacy.md, "At rest on the phone"): while the app is locked, the
 * sensitive fields declared in `packages/schema` (`sensitive`, beside each entity) are kept only
 * as AES-GCM ciphertext, in the entity stores and in every copy the outbox and the conflicts
 * keep of them. Indexed fields stay clear, so the stores keep their shape and their indexes.
 *
 * The fields are sealed when the app locks and opened when a person unlocks it, not on every
 * write: an IndexedDB transaction commits as soon as it waits on anything but its own requests,
 * so WebCrypto (always asynchronous) cannot run inside the transaction that writes a record and
 * its outbox entry together. While locked, `sealingGuard` refuses any write that would put a
 * sensitive field in clear (`locked`).
 */

/** The ciphertext of the sensitive fields of one object: a fresh 12-byte IV for each sealing. */
export interface SealedBox {
  iv: Uint8Array;
  data: Uint8Array;
}

/** The property an object keeps its sealed fields in. */
export const SEALED_PROPERTY = '_sealed';

/** The `_syncMeta` key saying the stores are locked, read by every context that opens them. */
export const SEALING_META_KEY = 'sealing';

/** Where, in a row of one store, objects holding the sensitive fields of `entityType` sit. */
interface Place {
  path: readonly string[];
  fields: readonly string[];
}

/**
 * The copies of a record the sync stores keep: an outbox entry's payload, the base its edit was
 * made on, the newest server row seen (shadow) and the server's answer; a conflict's versions.
 */
const OUTBOX_COPIES: readonly (readonly string[])[] = [
  ['payload'],
  ['baseEntity'],
  ['serverShadow'],
  ['serverResponse', 'entity'],
  ['serverResponse', 'current'],
];
const CONFLICT_COPIES: readonly (readonly string[])[] = [
  ['localVersion'],
  ['serverVersion'],
  ['baseVersion'],
  ['resolvedVersion'],
];

/** The stores that may hold a sensitive field. */
export const SEALABLE_STORES: readonly string[] = [...SEALED_ENTITY_TYPES, '_outbox', '_conflicts'];

function placesOf(store: string, row: Record<string, unknown>): Place[] {
  if (store === '_outbox' || store === '_conflicts') {
    const type = row.entityType;
    if (!isEntityType(type)) return [];
    const fields = sensitiveFieldsOf(type);
    if (fields.length === 0) return [];
    return (store === '_outbox' ? OUTBOX_COPIES : CONFLICT_COPIES).map((path) => ({ path, fields }));
  }
  if (!isEntityType(store)) return [];
  const fields = sensitiveFieldsOf(store);
  return fields.length > 0 ? [{ path: [], fields }] : [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function objectAt(row: Record<string, unknown>, path: readonly string[]): Record<string, unknown> | null {
  let current: unknown = row;
  for (const key of path) current = isPlainObject(current) ? current[key] : undefined;
  return isPlainObject(current) ? current : null;
}

/** A copy of `row` with the object at `path` replaced by `next`. */
function withObjectAt(
  row: Record<string, unknown>,
  path: readonly string[],
  next: Record<string, unknown>,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return next;
  const child = row[head];
  return { ...row, [head]: withObjectAt(isPlainObject(child) ? child : {}, rest, next) };
}

function clearFieldsOf(obj: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((field) => Object.hasOwn(obj, field) && obj[field] !== undefined);
}

/** True when a row of `store` holds a sensitive field in clear. */
export function holdsClearFields(store: string, row: unknown): boolean {
  if (!isPlainObject(row)) return false;
  return placesOf(store, row).some((place) => {
    const obj = objectAt(row, place.path);
    return obj !== null && clearFieldsOf(obj, place.fields).length > 0;
  });
}

/** True when a row of `store` holds sealed fields. */
export function holdsSealedFields(store: string, row: unknown): boolean {
  if (!isPlainObject(row)) return false;
  return placesOf(store, row).some((place) => isPlainObject(objectAt(row, place.path)?.[SEALED_PROPERTY]));
}

/** Seals `fields` of `obj`: the object without them, and their ciphertext under `_sealed`. */
export async function sealObject(
  obj: Record<string, unknown>,
  fields: readonly string[],
  key: CryptoKey,
): Promise<Record<string, unknown>> {
  if (clearFieldsOf(obj, fields).length === 0) return obj;
  // Fields written in clear beside a box (an edit made while the box was being opened): open it,
  // the clear ones win, and seal them all together.
  // A box of another key (docs/privacy.md: a phone whose unit key changed) cannot be opened: the
  // clear fields, newer, replace it rather than stay in clear.
  if (isPlainObject(obj[SEALED_PROPERTY])) obj = await unsealObject(obj, key).catch(() => obj);
  const present = clearFieldsOf(obj, fields);
  const clear: Record<string, unknown> = {};
  const rest: Record<string, unknown> = { ...obj };
  for (const field of present) {
    clear[field] = obj[field];
    delete rest[field];
  }
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv },
      key,
      new TextEncoder().encode(JSON.stringify(clear)),
    ),
  );
  const box: SealedBox = { iv, data };
  return { ...rest, [SEALED_PROPERTY]: box };
}

/**
 * Opens the sealed fields of `obj`. Fields written in clear since (by an edit made while the
 * unsealing ran) win over the sealed ones. A box this key does not open is an error
 * (`OperationError` of WebCrypto).
 */
export async function unsealObject(
  obj: Record<string, unknown>,
  key: CryptoKey,
): Promise<Record<string, unknown>> {
  const box = obj[SEALED_PROPERTY];
  if (!isPlainObject(box)) return obj;
  const { iv, data } = box as unknown as SealedBox;
  const clear = JSON.parse(
    new TextDecoder().decode(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(iv) }, key, new Uint8Array(data)),
    ),
  ) as Record<string, unknown>;
  const rest: Record<string, unknown> = { ...obj };
  delete rest[SEALED_PROPERTY];
  return { ...clear, ...rest };
}

type Transform = (
  obj: Record<string, unknown>,
  fields: readonly string[],
) => Promise<Record<string, unknown>>;

/**
 * Applies `transform` to every place of every row of the sealable stores. The new objects are
 * computed outside any transaction (WebCrypto), then written in one transaction per store, each
 * only where the object is still the one transformed (a write made meanwhile is kept).
 */
async function transformStores(
  db: WampumsOfflineDB,
  transform: Transform,
  wanted: (store: string, row: unknown) => boolean,
): Promise<void> {
  // A row written meanwhile is skipped by one pass and taken by the next.
  for (let pass = 0; pass < 3; pass += 1) if ((await transformOnce(db, transform, wanted)) === 0) return;
}

/** One pass of {@link transformStores}; the number of objects it could not write. */
async function transformOnce(
  db: WampumsOfflineDB,
  transform: Transform,
  wanted: (store: string, row: unknown) => boolean,
): Promise<number> {
  let skipped = 0;
  for (const store of SEALABLE_STORES) {
    const table = db.table(store);
    const rows = (await table.toArray()) as Record<string, unknown>[];
    const primaryKey = table.schema.primKey.keyPath as string;
    type Change = {
      path: readonly string[];
      before: Record<string, unknown>;
      after: Record<string, unknown>;
    };
    const changes: { key: unknown; places: Change[] }[] = [];
    for (const row of rows) {
      if (!wanted(store, row)) continue;
      const places: Change[] = [];
      for (const place of placesOf(store, row)) {
        const obj = objectAt(row, place.path);
        if (!obj) continue;
        // A box this key does not open stays as it is (sealed under an earlier key).
        const after = await transform(obj, place.fields).catch(() => obj);
        if (after !== obj) places.push({ path: place.path, before: obj, after });
      }
      if (places.length > 0) changes.push({ key: row[primaryKey], places });
    }
    if (changes.length === 0) continue;
    await db.transaction('rw', table, async () => {
      for (const change of changes) {
        let current = (await table.get(change.key as never)) as Record<string, unknown> | undefined;
        if (!current) continue;
        // Every copy of the row in one write: while locked, a row with one copy sealed and
        // another still clear would be refused.
        // Changed since it was read: leave the row (a write made meanwhile is newer); the next
        // pass takes it.
        const unchanged = change.places.every((place) => {
          const obj = objectAt(current as Record<string, unknown>, place.path);
          return obj !== null && sameObject(obj, place.before);
        });
        if (!unchanged) {
          skipped += 1;
          continue;
        }
        for (const place of change.places) current = withObjectAt(current, place.path, place.after);
        await table.put(current);
      }
    });
  }
  return skipped;
}

function sameObject(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return true;
    if (key === SEALED_PROPERTY && isPlainObject(x) && isPlainObject(y))
      return bytesEqual((x as unknown as SealedBox).iv, (y as unknown as SealedBox).iv);
    return JSON.stringify(x) === JSON.stringify(y);
  });
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Locks the stores: from now on a write putting a sensitive field in clear is refused
 * (`locked`), and every sensitive field held is sealed with `key`. Run when nobody is signed in
 * any more and sync has stopped.
 */
export async function sealRecords(db: WampumsOfflineDB, key: CryptoKey): Promise<void> {
  db.sealing.locked = true;
  await db._syncMeta.put({ key: SEALING_META_KEY, value: { locked: true } });
  await transformStores(db, (obj, fields) => sealObject(obj, fields, key), holdsClearFields);
}

/** Unlocks the stores and opens every sealed field with `key` (the one they were sealed with). */
export async function unsealRecords(db: WampumsOfflineDB, key: CryptoKey): Promise<void> {
  db.sealing.locked = false;
  await db._syncMeta.put({ key: SEALING_META_KEY, value: { locked: false } });
  await transformStores(db, (obj) => unsealObject(obj, key), holdsSealedFields);
}

/** Reads whether the stores were left locked (another context, an earlier run), into `db.sealing`. */
export async function loadSealingState(db: WampumsOfflineDB): Promise<boolean> {
  const value = (await db._syncMeta.get(SEALING_META_KEY))?.value as { locked?: unknown } | undefined;
  db.sealing.locked = value?.locked === true;
  return db.sealing.locked;
}
