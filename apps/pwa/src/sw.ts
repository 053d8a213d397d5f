/// <reference lib="webworker" />
import { type OfflineStore, openOfflineStore } from '@wampums/client';
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { readSession } from './offline/session';
import { OUTBOX_SYNC_TAG } from './offline/sync-tag';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

// The app shell (HTML, JS, CSS, icons, manifest) is precached, so the app opens with no network
// after one visit. API answers are not cached here: the offline store in IndexedDB is the one
// copy of the data, shared with the page.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Every navigation (hash routes included) gets the precached page; the API is never a navigation.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }));

// The first install takes the open page at once; later versions wait for the user (see the page's
// update banner), which sends SKIP_WAITING when they accept.
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

/**
 * Flushes the outbox the page wrote: the same IndexedDB database, the same outbox and the same
 * sync engine of `@wampums/client` (there is no queue of the service worker's own). The engine's
 * cross-context lock keeps this run and a page's run from pushing the same entries twice.
 */
async function flushOutbox(): Promise<void> {
  let store: OfflineStore | null = null;
  store = await openOfflineStore({
    baseUrl: self.location.origin,
    // Only the signed-in person's token, and only for their own changes (apps/pwa/README.md).
    getToken: async (forUser) => {
      const session = store ? await readSession(store.db) : null;
      if (!session?.token || (forUser && forUser.id !== session.user.id)) return null;
      return session.token;
    },
    autoSync: false,
    eventSource: null,
  });
  try {
    const report = await store.sync({ fullRefresh: false });
    // A network failure makes the browser retry the sync event later; anything else is final here
    // (rejections are shown to the leader in the app, and a 401 needs them to sign in again).
    if (report.error?.code === 'network_error') throw report.error;
  } finally {
    await store.close();
  }
}

interface SyncEventLike extends ExtendableEvent {
  readonly tag: string;
}

self.addEventListener('sync', (event) => {
  const sync = event as SyncEventLike;
  if (sync.tag === OUTBOX_SYNC_TAG) sync.waitUntil(flushOutbox());
});
