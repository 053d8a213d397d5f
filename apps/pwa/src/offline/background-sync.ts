import type { OfflineStore } from '@wampums/client';
import { OUTBOX_SYNC_TAG } from './sync-tag';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/** Asks the browser to wake the service worker when the network is back (where supported). */
async function requestBackgroundSync(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.ready;
  const sync = (registration as ServiceWorkerRegistration & { sync?: SyncManagerLike }).sync;
  await sync?.register(OUTBOX_SYNC_TAG);
}

/**
 * While changes wait and the network is gone, keeps a Background Sync registered: the service
 * worker then flushes the same outbox when connectivity returns, even with no tab open.
 * Returns the unsubscribe function.
 */
export function watchBackgroundSync(store: OfflineStore): () => void {
  let registeredFor = -1;
  return store.status.subscribe((status) => {
    if (status.online || status.pendingCount === 0) {
      registeredFor = -1;
      return;
    }
    if (status.pendingCount === registeredFor) return;
    registeredFor = status.pendingCount;
    requestBackgroundSync().catch(() => undefined); // unsupported: the page syncs when it is next open
  });
}
