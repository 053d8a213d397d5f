import type { StatusApi, SyncStatus } from './types';

export const INITIAL_STATUS: SyncStatus = {
  online: true,
  syncing: false,
  pendingCount: 0,
  failedCount: 0,
  conflictCount: 0,
  lastSyncAt: null,
  pullProgress: null,
  quotaWarning: null,
  authPaused: false,
  lastError: null,
};

/** The observable sync status. Listeners run synchronously on every actual change. */
export class StatusStore implements StatusApi {
  private value: SyncStatus;
  private readonly listeners = new Set<(status: SyncStatus) => void>();

  constructor(initial: Partial<SyncStatus> = {}) {
    this.value = { ...INITIAL_STATUS, ...initial };
  }

  get current(): SyncStatus {
    return this.value;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Merges `patch`; emits only when something changed. */
  set(patch: Partial<SyncStatus>): void {
    const next = { ...this.value, ...patch };
    const changed = (Object.keys(patch) as (keyof SyncStatus)[]).some((k) => next[k] !== this.value[k]);
    if (!changed) return;
    this.value = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch {
        // One failing listener must not stop the others, nor sync.
      }
    }
  }
}
