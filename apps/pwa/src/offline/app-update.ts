/**
 * Applies a new version of the app now (docs/sync-protocol.md, "Versions": the server no longer
 * serves this one). Looks for a new service worker, lets it take over and reloads once it
 * controls the page; waiting changes stay in IndexedDB and the new version sends them.
 * Answers `false` when no new version could be found (offline, or not deployed yet).
 */
export async function applyAppUpdate(): Promise<boolean> {
  const registration = await navigator.serviceWorker?.getRegistration().catch(() => undefined);
  if (!registration) return false;
  await registration.update().catch(() => undefined);
  const worker = registration.waiting ?? (await installed(registration));
  if (!worker) return false;
  navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  worker.postMessage({ type: 'SKIP_WAITING' });
  return true;
}

/** The worker an update is installing, once installed (`null`: none, or it failed). */
function installed(registration: ServiceWorkerRegistration): Promise<ServiceWorker | null> {
  const worker = registration.installing;
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed') resolve(registration.waiting ?? worker);
      else if (worker.state === 'redundant') resolve(null);
    });
  });
}
