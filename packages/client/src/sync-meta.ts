/**
 * `_syncMeta` keys of the client besides the schema's `SYNC_META_KEYS`.
 */

/**
 * Set while a full refresh is under way, or to ask the next pull for one: a restart begins it
 * again, so a snapshot is never left half applied.
 */
export const REFRESH_IN_PROGRESS_KEY = 'fullRefreshInProgress';
