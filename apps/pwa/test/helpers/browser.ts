import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '@wampums/server/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../../scripts/chromium.mjs';

/** The built app the test server serves (`npm test` builds it before the tests run). */
export const PWA_DIR = fileURLToPath(new URL('../../dist', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(`${PWA_DIR}/index.html`) || !existsSync(`${PWA_DIR}/sw.js`)) {
    throw new Error(`the PWA is not built: run "npm run build -w @wampums/pwa" first (${PWA_DIR})`);
  }
}

/** Debian's Chromium, headless, without any downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
}

/** The app under test: the server on a fresh database with the demo units, serving the built PWA. */
export interface App {
  server: TestServer;
  browser: Browser;
}

/** Starts the server (PostgreSQL unless told) serving the built app, and Chromium, side by side. */
export async function startApp(
  options: { backend?: 'postgres' | 'pglite'; pwaDir?: string; seedDemo?: boolean } = {},
): Promise<App> {
  assertBuilt();
  const [server, browser] = await Promise.all([
    startTestServer({
      backend: options.backend ?? 'postgres',
      seedDemo: options.seedDemo ?? true,
      pwaDir: options.pwaDir ?? PWA_DIR,
    }),
    launchChromium(),
  ]);
  return { server, browser };
}

/** Closes what `startApp` started, whatever part of it did start. */
export async function stopApp(app: Partial<App>): Promise<void> {
  await app.browser?.close();
  await app.server?.close();
}

/** A phone-sized context (375x812), like the leaders' devices. */
export function phoneContext(browser: Browser, options: { serviceWorkers?: 'allow' | 'block' } = {}) {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    serviceWorkers: options.serviceWorkers ?? 'allow',
    locale: 'fr-CA',
  });
}

export const PASSWORD = 'offline-first';

/** Opens the app and signs in through the login form; resolves once the first sync is done. */
export async function signIn(context: BrowserContext, url: string, email: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(url);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.locator('[data-testid=connectivity]').waitFor();
  await waitForSynced(page);
  return page;
}

/** Waits until nothing waits in the outbox and no sync runs, after at least one sync. */
export async function waitForSynced(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const pending = document.querySelector('[data-testid=pending-count]');
      const last = document.querySelector('[data-testid=last-sync]');
      return (
        pending?.getAttribute('data-count') === '0' &&
        !document.querySelector('[data-testid=sync-progress]') &&
        last !== null &&
        !last.textContent?.includes('Jamais') &&
        !last.textContent?.includes('Never')
      );
    },
    undefined,
    { timeout },
  );
}

/** Waits until the status bar shows `count` changes waiting. */
export async function waitForPending(page: Page, count: number): Promise<void> {
  await page.locator(`[data-testid=pending-count][data-count="${count}"]`).waitFor({ timeout: 10_000 });
}

/** Clicks "sync now" once it can run, then waits for the outbox to be empty. */
export async function syncNow(page: Page): Promise<void> {
  await page.click('[data-testid=sync-now]');
  await waitForSynced(page);
}

/** Waits until the service worker controls the page, so the app shell is precached. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) =>
        navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
      );
    }
  });
}

/** Saves a screenshot of the page to `apps/pwa/test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}

/** Navigates within the app (hash route) and waits for the screen title. */
export async function go(page: Page, route: string): Promise<void> {
  await page.evaluate((r) => {
    location.hash = `#/${r}`;
  }, route);
  await page.locator('.screen-head h1').first().waitFor();
}
