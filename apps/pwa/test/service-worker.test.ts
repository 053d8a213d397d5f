import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from '@wampums/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  go,
  PWA_DIR,
  phoneContext,
  screenshot,
  signIn,
  startApp,
  stopApp,
  waitForPending,
  waitForServiceWorker,
} from './helpers/browser';

let server: TestServer;
let browser: Browser;
let api: Api;
/** A copy of the built app the server serves, so a test can deploy a "new version" into it. */
let servedDir: string;

beforeAll(async () => {
  servedDir = mkdtempSync(join(tmpdir(), 'wampums-pwa-'));
  cpSync(PWA_DIR, servedDir, { recursive: true });
  ({ server, browser } = await startApp({ pwaDir: servedDir }));
  api = await Api.signIn(server.apiUrl, 'leader@pack-a.test');
}, 120_000);

afterAll(async () => {
  await stopApp({ server, browser });
  if (servedDir) rmSync(servedDir, { recursive: true, force: true });
});

/** Whether the group named `name` is on the server. */
async function arrived(api: Api, name: string): Promise<boolean> {
  return (await api.list('groups')).some((g) => g.name === name);
}

describe('the service worker', () => {
  it('flushes the outbox on a Background Sync with no tab open', async () => {
    const context = await phoneContext(browser);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await waitForServiceWorker(page);
    await context.setOffline(true);
    const name = `Sizaine ${Date.now() % 100000}`;
    await go(page, 'groups/new');
    await page.locator('input[name=group_name]').fill(name);
    await page.click('[data-testid=save-group]');
    await waitForPending(page, 1);
    // The page asked for a Background Sync while changes wait offline.
    expect(
      await page.evaluate(async () => {
        const reg = (await navigator.serviceWorker.ready) as ServiceWorkerRegistration & {
          sync?: { getTags(): Promise<string[]> };
        };
        return (await reg.sync?.getTags()) ?? [];
      }),
    ).toContain('wampums-outbox');
    // Who pushes from here on: Playwright tells a service worker's requests from a page's.
    const pushers: ('page' | 'service worker')[] = [];
    context.on('request', (r) => {
      if (r.url().endsWith('/sync/push')) pushers.push(r.serviceWorker() ? 'service worker' : 'page');
    });
    await page.close();
    expect(context.pages()).toHaveLength(0);
    expect(await arrived(api, name)).toBe(false);

    // Back online with no tab open: Chromium fires the `sync` event (headless included) and the
    // service worker pushes the page's outbox.
    await context.setOffline(false);
    await expect.poll(() => arrived(api, name), { timeout: 20_000, interval: 300 }).toBe(true);
    expect(pushers[0]).toBe('service worker');
    expect(pushers).not.toContain('page');
    expect((await api.list('groups')).filter((g) => g.name === name)).toHaveLength(1);
    await context.close();
  });

  it('offers a new version with a banner and reloads only when the leader accepts', async () => {
    const context = await phoneContext(browser);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await waitForServiceWorker(page);
    const mark = () => page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument === true);
    const waiting = () =>
      page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    await page.evaluate(() => {
      (window as { sameDocument?: boolean }).sameDocument = true;
    });

    // A new deployment: the service worker script changes on the server.
    const sw = join(servedDir, 'sw.js');
    writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// next version\n`);
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    const banner = page.locator('.update-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('Nouvelle version');
    await screenshot(page, 'update-banner');

    // Offered, not forced: the new worker waits and the page is not reloaded.
    await expect.poll(waiting).toBe(true);
    await go(page, 'attendance');
    expect(await mark()).toBe(true);

    // The leader accepts: the new worker takes over and the page reloads once.
    await Promise.all([
      page.waitForEvent('load', { timeout: 20_000 }),
      banner.locator('button', { hasText: 'Recharger' }).click(),
    ]);
    await page.locator('[data-testid=connectivity]').waitFor();
    expect(await mark()).toBe(false);
    expect(await waiting()).toBe(false);
    expect(await page.locator('.update-banner').count()).toBe(0);
    await context.close();
  });
});
