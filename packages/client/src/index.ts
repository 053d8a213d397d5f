/**
 * @wampums/client: the offline store and sync engine of the Wampums PWAs. Runs in pages and in
 * service workers (no DOM needed); both share one IndexedDB database and one outbox.
 */
export { OFFLINE_DB_NAME } from '@wampums/schema';
export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff';
export { buildApiCacheKey, CACHE_KEY_ORG_PARAM, type CacheKeyOptions } from './cache-key';
export { type Clock, systemClock } from './clock';
export { CLOCK_WARNING_MS, storedClockOffset } from './clock-offset';
export type { ClientOutboxEntry } from './coalesce';
export { globalConnectivity, ManualConnectivity } from './connectivity';
export { type IndexedDBDependencies, type StoredRecord, WampumsOfflineDB } from './db';
export { offlineDbName } from './db-name';
export { CURRENT_SCHEMA_VERSION, storesV1, storesV2, storesV3 } from './db-versions';
export { type ClientErrorCode, isQuotaError, OfflineStoreError } from './errors';
export { type EventSourceFactory, type EventSourceLike, globalEventSource } from './live-events';
export { openOfflineStore } from './open-offline-store';
export { API_CACHE_PREFIX, CACHE_EXPIRES_HEADER, purgeExpiredApiCache } from './quota';
export { newEntry as newOutboxEntry } from './repository';
export {
  holdsClearFields,
  holdsSealedFields,
  loadSealingState,
  SEALABLE_STORES,
  SEALED_PROPERTY,
  type SealedBox,
  sealObject,
  sealRecords,
  unsealObject,
  unsealRecords,
} from './sealing';
export {
  createSyncLock,
  globalLocks,
  type LockManagerLike,
  type SyncLockProvider,
  syncLockName,
} from './sync-lock';
export { readSyncState } from './sync-state';
export { PUSH_PHASES } from './timeline';
export { apiUrl, HttpTransport, type TokenProvider, type Transport } from './transport';
export type {
  ConflictChoice,
  ConflictsApi,
  Connectivity,
  IndexQuery,
  LiveQuery,
  OfflineStore,
  OfflineStoreOptions,
  OutboxApi,
  PullProgress,
  QueryOptions,
  StatusApi,
  SyncReport,
  SyncStatus,
  WaitingChanges,
} from './types';
