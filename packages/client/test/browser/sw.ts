// A service worker for the tests: it opens the same offline store as the page and syncs it,
// as the PWA's worker does for Background Sync. No window, no document here.
import { openOfflineStore } from '../../src/index';

interface SyncRequest {
  baseUrl: string;
  token: string;
}
interface MessageEventLike {
  data: SyncRequest;
  ports: { postMessage(message: unknown): void }[];
  waitUntil(promise: Promise<unknown>): void;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}

const scope = globalThis as unknown as WorkerScope;
scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));
scope.addEventListener('message', (event) => {
  const { baseUrl, token } = event.data;
  event.waitUntil(
    (async () => {
      const store = await openOfflineStore({
        baseUrl,
        getToken: async () => token,
        autoSync: false,
        eventSource: null,
        dbName: 'sw-shared',
      });
      const report = await store.sync();
      await store.close();
      event.ports[0]?.postMessage({
        report: { ...report, error: report.error?.code ?? null },
        context: typeof (globalThis as { document?: unknown }).document === 'undefined' ? 'worker' : 'window',
      });
    })(),
  );
});
