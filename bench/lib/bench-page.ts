import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';
import { workspaceSources } from '../../scripts/workspace-sources.mjs';
import type { BenchApi } from '../page/main';
import type { PeerBenchApi } from '../page/peer-main';

const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGE_DIST = path.join(BENCH_DIR, 'page-dist');
/** Path prefix of the bench page on whatever origin it is opened. */
const PAGE_BASE = '/__bench/';

/** Builds the bench page (our client from source, Dexie, RxDB) as production code: minified, one bundle. */
export async function buildBenchPage(): Promise<void> {
  await build({
    root: path.join(BENCH_DIR, 'page'),
    base: PAGE_BASE,
    logLevel: 'warn',
    configFile: false,
    plugins: [workspaceSources()],
    build: {
      outDir: PAGE_DIST,
      emptyOutDir: true,
      target: 'es2022',
      minify: process.env.BENCH_DEBUG !== '1',
      modulePreload: false,
      chunkSizeWarningLimit: 4096,
      rolldownOptions: {
        input: {
          ours: path.join(BENCH_DIR, 'page/index.html'),
          peer: path.join(BENCH_DIR, 'page/peer.html'),
        },
      },
    },
  });
}

/** The shared flags (scripts/chromium.mjs), plus precise heap figures and a GC the page can ask for. */
export const BENCH_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  '--enable-precise-memory-info',
  '--js-flags=--expose-gc',
];

/** A Chromium with a persistent profile in a temporary folder, like a phone's installed browser. */
export interface Profile {
  context: BrowserContext;
  /** Quits the browser and starts it again on the same profile (service workers and storage kept). */
  relaunch(): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchProfile(name: string): Promise<Profile> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `wampums-bench-${name}-`));
  const launch = () =>
    chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      args: BENCH_CHROMIUM_ARGS,
      headless: true,
    });
  const profile: Profile = {
    context: await launch(),
    async relaunch() {
      await profile.context.close();
      profile.context = await launch();
      return profile.context;
    },
    async close() {
      await profile.context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return profile;
}

/** The browser version string, e.g. "156.0.7535.2". */
export function browserVersion(context: BrowserContext): string {
  return context.browser()?.version() ?? 'unknown';
}

const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/**
 * Opens the bench page on `origin` (the API server's or the peer's), so that its requests are
 * same-origin like the real app's. The page's files are answered by Playwright routing only while
 * it loads; routing is then removed, so no request of a workload goes through interception.
 */
export async function openBenchPage(context: BrowserContext, origin: string): Promise<BenchPage<BenchApi>> {
  return new BenchPage(await openPage(context, origin, 'index.html'));
}

/** The peer's page (RxDB), on the peer endpoint's origin. */
export async function openPeerPage(
  context: BrowserContext,
  origin: string,
): Promise<BenchPage<PeerBenchApi>> {
  return new BenchPage(await openPage(context, origin, 'peer.html'));
}

async function openPage(context: BrowserContext, origin: string, html: string): Promise<Page> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  const pattern = `${origin}${PAGE_BASE}**`;
  await page.route(pattern, async (route) => {
    const file = new URL(route.request().url()).pathname.slice(PAGE_BASE.length) || 'index.html';
    const body = await readFile(path.join(PAGE_DIST, file));
    await route.fulfill({
      status: 200,
      body,
      contentType: MIME[path.extname(file)] ?? 'application/octet-stream',
    });
  });
  await page.goto(`${origin}${PAGE_BASE}${html}`);
  await page
    .waitForFunction(
      () => (globalThis as unknown as { bench?: { ready: boolean } }).bench?.ready === true,
      null,
      {
        timeout: 30_000,
      },
    )
    .catch((error: unknown) => {
      throw new Error(`the bench page did not load on ${origin}: ${problems.join('; ') || String(error)}`);
    });
  await page.unroute(pattern);
  return page;
}

type Fn = (...args: never[]) => unknown;

/** Typed calls into `window.bench`. */
export class BenchPage<Api> {
  constructor(readonly page: Page) {}

  call<K extends keyof Api & string>(
    name: K,
    ...args: Api[K] extends Fn ? Parameters<Api[K]> : never
  ): Promise<Api[K] extends Fn ? Awaited<ReturnType<Api[K]>> : never> {
    return this.page.evaluate(
      ([n, a]) => {
        const api = (globalThis as unknown as { bench: Record<string, (...x: unknown[]) => unknown> }).bench;
        const fn = api[n as string];
        if (!fn) throw new Error(`no bench function ${String(n)}`);
        // Rethrown as a plain Error: Playwright loses the message of Error subclasses (DexieError).
        return Promise.resolve()
          .then(() => fn(...(a as unknown[])))
          .catch((error: { name?: string; message?: string; stack?: string }) => {
            throw new Error(`${error?.name}: ${error?.message}\n${error?.stack ?? ''}`);
          });
      },
      [name, args] as const,
    ) as never;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
