import { basename } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Files the browser must revalidate on every load, or an app update would never be seen. */
const REVALIDATE = new Set([
  'index.html',
  'sw.js',
  'service-worker.js',
  'registerSW.js',
  'manifest.webmanifest',
]);

/**
 * Serves the built PWA: hashed assets are cached for a year, the shell, manifest and service
 * worker are revalidated each time (`no-cache`). The SPA fallback to index.html is in the
 * not-found handler (app.ts), so unknown API paths still answer JSON.
 */
export async function registerStatic(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    cacheControl: false,
    index: ['index.html'],
    setHeaders(res, path) {
      const name = basename(path);
      if (REVALIDATE.has(name)) res.header('Cache-Control', 'no-cache');
      else if (path.includes('/assets/')) res.header('Cache-Control', 'public, max-age=31536000, immutable');
      else res.header('Cache-Control', 'public, max-age=3600');
      if (name === 'sw.js') res.header('Service-Worker-Allowed', '/');
    },
  });
}
