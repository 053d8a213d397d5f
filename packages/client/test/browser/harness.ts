import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../../scripts/chromium.mjs';
import { workspaceSources } from '../../../../scripts/workspace-sources.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/**
 * Serves the test page and service worker (the client from source) with Vite. With `apiTarget`,
 * `/api` is proxied to that server, so that page and worker reach it on their own origin.
 */
export async function startPageServer(apiTarget?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: ViteDevServer = await createServer({
    root: here,
    configFile: false,
    plugins: [workspaceSources()],
    logLevel: 'error',
    server: {
      host: '127.0.0.1',
      port: 0,
      fs: { allow: [repoRoot] },
      hmr: false,
      ...(apiTarget ? { proxy: { '/api': { target: apiTarget, changeOrigin: true } } } : {}),
    },
    // Pre-bundled up front, so that the page never reloads while a test drives it.
    optimizeDeps: { entries: [join(here, 'main.ts')], include: ['dexie', 'zod'] },
    cacheDir: join(tmpdir(), 'wampums-client-vite'),
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}

/** A Chromium with a profile folder of its own, so that a restart finds the same storage. */
export class Browser {
  readonly profile = mkdtempSync(join(tmpdir(), 'wampums-client-'));
  context: BrowserContext | null = null;

  async launch(): Promise<BrowserContext> {
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
    return this.context;
  }

  async page(url: string): Promise<Page> {
    if (!this.context) throw new Error('launch first');
    const page = await this.context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.ready === true);
    return page;
  }

  async close(): Promise<void> {
    await this.context?.close();
    this.context = null;
  }

  async dispose(): Promise<void> {
    await this.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}
