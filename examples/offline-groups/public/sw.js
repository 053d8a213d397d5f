// Keeps the page and its modules so that it opens without a network. Requests to the API always
// go to the network: the offline client keeps the data in IndexedDB, not in this cache.
const CACHE = 'example-shell-v1';
const SHELL = [
  '/',
  '/app.js',
  '/modules/@wampums/client/index.js',
  '/modules/@wampums/schema/index.js',
  '/modules/dexie/dexie.mjs',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
  self.skipWaiting();
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/app/')) return;
  // Network first (fresh when online), the cache when offline; zod's many files are cached as met.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        const copy = response.clone();
        if (response.ok) caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        return response;
      })
      .catch(() =>
        caches.match(event.request, { ignoreSearch: true }).then((hit) => hit ?? Response.error()),
      ),
  );
});
