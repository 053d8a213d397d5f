import type { WampumsOfflineDB } from '@wampums/client';
import { type Role, STAFF } from '@wampums/schema';

/**
 * Storage that stays (`docs/privacy.md`). A leader's device holds changes nobody else has yet,
 * so on a leader's (or admin's) sign-in the app asks the browser to keep its storage
 * (`navigator.storage.persist()`): without it, under storage pressure, the browser may evict the
 * whole database, waiting changes included.
 *
 * Eviction is noticed with two marks of "this unit was loaded here": one in `_syncMeta`, one in
 * localStorage. The browser clears IndexedDB as a whole; when the database comes back empty while
 * localStorage still says a unit was loaded, the app says so instead of silently starting over.
 */
export type Persistence = 'persisted' | 'best-effort' | 'unsupported';

/** The `_syncMeta` key marking that a sync stored the unit in this database. */
export const UNIT_LOADED_KEY = 'unitLoaded';
/** The localStorage key holding the same mark (outside IndexedDB) and when an eviction was noticed. */
export const STORAGE_MARK_KEY = 'wampums.storage';

interface StorageMark {
  /** The user and organization whose unit this browser held. */
  loaded: { userId: number; organizationId: number } | null;
  /** When the app last found the database cleared by the browser (ms). */
  evictedAt: number | null;
}

function readMark(): StorageMark {
  try {
    const raw = localStorage.getItem(STORAGE_MARK_KEY);
    if (raw) return { loaded: null, evictedAt: null, ...(JSON.parse(raw) as Partial<StorageMark>) };
  } catch {
    // Unreadable or unavailable: as if nothing was ever loaded here.
  }
  return { loaded: null, evictedAt: null };
}

function writeMark(mark: StorageMark): void {
  try {
    localStorage.setItem(STORAGE_MARK_KEY, JSON.stringify(mark));
  } catch {
    // Private mode or full: eviction then goes unnoticed, nothing else breaks.
  }
}

/** Whether the browser keeps this origin's storage under pressure. */
export async function persistence(): Promise<Persistence> {
  if (!navigator.storage?.persisted) return 'unsupported';
  return (await navigator.storage.persisted().catch(() => false)) ? 'persisted' : 'best-effort';
}

/** Asks the browser to keep the storage when `role` runs the unit; resolves to the state after. */
export async function keepStorageFor(role: Role): Promise<Persistence> {
  if (!STAFF.includes(role)) return persistence();
  if (!navigator.storage?.persist) return 'unsupported';
  const kept = await navigator.storage.persist().catch(() => false);
  return kept ? 'persisted' : 'best-effort';
}

/**
 * On opening: true when localStorage says a unit was loaded here but the database holds no mark
 * of it, i.e. the browser evicted the database. The time is kept for the sync details.
 */
export async function noticeEviction(db: WampumsOfflineDB): Promise<boolean> {
  const mark = readMark();
  if (!mark.loaded) return false;
  if ((await db._syncMeta.get(UNIT_LOADED_KEY)) !== undefined) return false;
  writeMark({ loaded: null, evictedAt: Date.now() });
  return true;
}

/** After a sync stored the unit: marks it in the database and outside it. */
export async function markUnitLoaded(
  db: WampumsOfflineDB,
  user: { id: number; organizationId: number },
): Promise<void> {
  const at = Date.now();
  await db._syncMeta.put({ key: UNIT_LOADED_KEY, value: at });
  writeMark({ ...readMark(), loaded: { userId: user.id, organizationId: user.organizationId } });
}

/** Signing out deletes the database on purpose: that is no eviction. */
export function forgetUnitLoaded(): void {
  writeMark({ ...readMark(), loaded: null });
}

/** When the browser last cleared this device's data, if it ever did. */
export function lastEvictionAt(): number | null {
  return readMark().evictedAt;
}
