import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startTestServer } from '@wampums/server/testing';
import { launchProfile } from '../lib/bench-page';
import { type Spread, spread } from '../lib/stats';
import { type BenchContext, check } from './context';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PWA_DIR = path.join(ROOT, 'apps/pwa/dist');

/** B6: the app opened cold and offline, and what it ships. */
export interface AppFigures {
  coldOpenMs: Spread;
  /** gzip size of every JS file the app precaches (the page's code), in KB. */
  appJsGzipKB: number;
  /** gzip size of the service worker, in KB. */
  serviceWorkerGzipKB: number;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return jsFiles(full);
    return name.endsWith('.js') ? [full] : [];
  });
}

const gzipKB = (files: string[]) =>
  files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0) / 1024;

/** Builds the app when asked or when no build is there. */
export function ensureAppBuilt(force: boolean): void {
  if (force || !existsSync(path.join(PWA_DIR, 'index.html'))) {
    execFileSync('npm', ['run', 'build', '--workspace', '@wampums/pwa'], { cwd: ROOT, stdio: 'ignore' });
  }
}

/** Records when the first row of the roll call is on screen and its buttons can be tapped. */
const RECORD_INTERACTIVE = `
  new MutationObserver((_, observer) => {
    const row = document.querySelector('[data-testid=roll-row]');
    if (row && row.querySelector('button:not([disabled])')) {
      globalThis.__benchInteractiveAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
`;

/**
 * Signs in once online (the service worker installs, the demo organization syncs), then quits
 * the browser and, for each open, starts it again offline on the same profile and times from
 * navigation start to an interactive attendance roll call.
 */
export async function runApp(ctx: BenchContext, buildApp: boolean): Promise<AppFigures> {
  ensureAppBuilt(buildApp);
  const server = await startTestServer({ backend: 'postgres', seedDemo: true, pwaDir: PWA_DIR });
  const profile = await launchProfile('app');
  try {
    let page = await profile.context.newPage();
    await page.goto(server.url);
    await page.fill('input[name=email]', 'leader@pack-a.test');
    await page.fill('input[name=password]', 'offline-first');
    await page.click('button[type=submit]');
    await page.locator('[data-testid=connectivity]').waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.evaluate(() => {
      location.hash = '#/attendance';
    });
    await page.locator('[data-testid=roll-row]').first().waitFor({ timeout: 60_000 });
    const times: number[] = [];
    for (let open = 0; open < ctx.config.appOpens; open++) {
      const context = await profile.relaunch();
      await context.setOffline(true);
      await context.addInitScript(RECORD_INTERACTIVE);
      page = await context.newPage();
      await page.goto(`${server.url}/#/attendance`);
      await page.waitForFunction(
        () => typeof (globalThis as { __benchInteractiveAt?: number }).__benchInteractiveAt === 'number',
        null,
        {
          timeout: 30_000,
        },
      );
      const controlled = await page.evaluate(() => navigator.serviceWorker.controller !== null);
      check(controlled, 'the offline open was not served by the service worker');
      times.push(
        await page.evaluate(
          () => (globalThis as unknown as { __benchInteractiveAt: number }).__benchInteractiveAt,
        ),
      );
      ctx.log(`B6 open ${open + 1}/${ctx.config.appOpens}: ${Math.round(times.at(-1) ?? 0)} ms`);
    }
    const files = jsFiles(PWA_DIR);
    const sw = files.filter((f) => path.basename(f) === 'sw.js');
    return {
      coldOpenMs: spread(times),
      appJsGzipKB: gzipKB(files.filter((f) => !sw.includes(f))),
      serviceWorkerGzipKB: gzipKB(sw),
    };
  } finally {
    await profile.close();
    await server.close();
  }
}
