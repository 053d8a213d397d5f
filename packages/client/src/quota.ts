import type { WampumsOfflineDB } from './db';
import { isQuotaError, OfflineStoreError } from './errors';
import { purgeSynced } from './purge';

/** Response header of cached API answers saying until when they are fresh (Unix ms). */
export const CACHE_EXPIRES_HEADER = 'x-wampums-expires-at';
/** Cache Storage names of API answers start with this. */
export const API_CACHE_PREFIX = 'wampums-api';

/**
 * Deletes cached API answers whose `x-wampums-expires-at` has passed (or that carry none) from
 * every `wampums-api*` cache. Returns how many went.
 */
export async function purgeExpiredApiCache(cacheStorage: CacheStorage | null, now: number): Promise<number> {
  if (!cacheStorage) return 0;
  let purged = 0;
  for (const name of await cacheStorage.keys()) {
    if (!name.startsWith(API_CACHE_PREFIX)) continue;
    const cache = await cacheStorage.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const expires = Number(response?.headers.get(CACHE_EXPIRES_HEADER) ?? Number.NaN);
      if (!Number.isFinite(expires) || expires <= now) {
        await cache.delete(request);
        purged += 1;
      }
    }
  }
  return purged;
}

export interface QuotaGuardOptions {
  db: WampumsOfflineDB;
  cacheStorage: CacheStorage | null;
  now: () => number;
  /** Sets or clears the user-facing warning. */
  warn: (message: string | null) => void;
}

/**
 * Wraps writes: when storage is full, warns the user, frees what can go (expired API cache
 * entries, synced outbox entries kept for debugging, settled conflicts; never an unsynced
 * change) and retries the write once. The write runs in its own transaction, so the failed
 * attempt left nothing behind. The warning stays until a write succeeds at its first try: a
 * write that fit only after freeing space says the storage is still nearly full.
 */
export function createQuotaGuard(options: QuotaGuardOptions) {
  /** The warning is up: a write that succeeds at its first try (room again) takes it down. */
  let warned = false;
  return async function withQuota<T>(write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      if (warned) {
        warned = false;
        options.warn(null);
      }
      return result;
    } catch (error) {
      if (!isQuotaError(error)) throw error;
    }
    warned = true;
    options.warn('Storage is full: free space on this device. Unsynced changes are kept.');
    await purgeExpiredApiCache(options.cacheStorage, options.now()).catch(() => 0);
    await purgeSynced(options.db, {
      now: options.now(),
      syncedRetentionMs: 0,
      conflictRetentionMs: 0,
    }).catch(() => 0);
    try {
      return await write();
    } catch (error) {
      if (isQuotaError(error)) {
        throw new OfflineStoreError('quota_exceeded', 'storage is full: the change was not saved', { error });
      }
      throw error;
    }
  };
}

export type WithQuota = ReturnType<typeof createQuotaGuard>;
