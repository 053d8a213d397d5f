import type { ErrorCode } from '@wampums/schema';

/**
 * The codes a client error may carry: the wire codes of the schema, plus the conditions only a
 * device sees (no network, a full disk, a closed store, an answer that breaks the contract, a
 * sensitive field written while the stores are locked).
 */
export type ClientErrorCode =
  | ErrorCode
  | 'network_error'
  | 'quota_exceeded'
  | 'store_closed'
  | 'invalid_response'
  | 'dependency_pending'
  | 'locked';

/**
 * Every error the client raises. Match it by `name === 'OfflineStoreError'` and `code` (not
 * `instanceof`): errors cross the boundary between a page and its service worker.
 */
export class OfflineStoreError extends Error {
  override readonly name = 'OfflineStoreError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** True for a storage-full error, whichever layer (IndexedDB, Dexie, Cache API) raised it. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; inner?: unknown; code?: unknown };
  if (e.name === 'QuotaExceededError' || e.code === 'quota_exceeded') return true;
  // Dexie wraps the DOMException of a failed transaction in `inner`.
  return e.inner !== undefined && e.inner !== error && isQuotaError(e.inner);
}
