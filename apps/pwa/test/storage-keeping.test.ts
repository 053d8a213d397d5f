import { OFFLINE_DB_NAME } from '@wampums/schema';
import type { TestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { go, PASSWORD, phoneContext, screenshot, signIn, startApp, stopApp } from './helpers/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp({ backend: 'pglite' }));
}, 120_000);

afterAll(() => stopApp({ server, browser }));

/** A phone whose pages count their calls to `navigator.storage.persist()` (the real one still runs). */
async function phone(): Promise<BrowserContext> {
  const context = await phoneContext(browser);
  await context.addInitScript(() => {
    const storage = navigator.storage;
    if (!storage) return; // about:blank has no storage manager
    const persist = storage.persist.bind(storage);
    (window as unknown as { persistCalls: number }).persistCalls = 0;
    storage.persist = () => {
      (window as unknown as { persistCalls: number }).persistCalls += 1;
      return persist();
    };
  });
  return context;
}

const persistCalls = (page: Page) =>
  page.evaluate(() => (window as unknown as { persistCalls: number }).persistCalls);

/** The rows of one store of the app's IndexedDB database, read raw. */
function rawCount(page: Page, store: string): Promise<number> {
  return page.evaluate(
    ([name, table]) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name as string);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result
            .transaction(table as string)
            .objectStore(table as string)
            .count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    [OFFLINE_DB_NAME, store],
  );
}

describe('storage that stays, in Chromium', () => {
  it("a leader's sign-in asks the browser to keep the storage, and the sync details show the state", async () => {
    const context = await phone();
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    expect(await persistCalls(page)).toBeGreaterThanOrEqual(1);
    const persisted = await page.evaluate(() => navigator.storage.persisted());
    await go(page, 'sync');
    const shown = page.locator('[data-testid=persistence]');
    await shown.waitFor();
    expect(await shown.textContent()).toBe(
      persisted
        ? 'Oui : le navigateur conserve ces données'
        : "Non : le navigateur peut effacer ces données si l'espace manque",
    );
    await screenshot(page, 'sync-details-persistence');
    await context.close();
  });

  it("a viewer's sign-in does not ask, and the viewer's phone holds no medication record", async () => {
    const context = await phone();
    const page = await signIn(context, server.url, 'viewer@pack-a.test');
    expect(await persistCalls(page)).toBe(0);
    expect(await rawCount(page, 'participants')).toBeGreaterThan(0);
    expect(await rawCount(page, 'medication_requirements')).toBe(0);
    expect(await rawCount(page, 'medication_distributions')).toBe(0);
    // Nothing to show there: the medication tab is not offered.
    expect(await page.locator('.bottom-nav a').count()).toBe(4);
    expect(await page.locator('.bottom-nav a[href="#/medication"]').count()).toBe(0);
    await screenshot(page, 'viewer-participants');
    await context.close();
  });

  it('says so when the browser has evicted the database', async () => {
    const context = await phone();
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    // What the browser does under storage pressure: the origin's IndexedDB goes, localStorage stays.
    const cdp = await context.newCDPSession(page);
    await page.goto('about:blank');
    await cdp.send('Storage.clearDataForOrigin', { origin: server.url, storageTypes: 'indexeddb' });
    await page.goto(server.url);
    const notice = page.locator('[data-testid=evicted-notice]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('Le navigateur a effacé les données de cet appareil');
    await screenshot(page, 'evicted-notice');

    await page.fill('input[name=email]', 'leader@pack-a.test');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=connectivity]').waitFor();
    await go(page, 'sync');
    await page.locator('[data-testid=evicted]').waitFor();
    // The unit downloads again after the sign-in.
    await expect.poll(() => rawCount(page, 'participants'), { timeout: 15_000 }).toBeGreaterThan(0);
    // Reopened after the new load: no eviction since, no notice.
    await page.waitForFunction(() => localStorage.getItem('wampums.storage')?.includes('"loaded":{'));
    await page.reload();
    await page.locator('[data-testid=connectivity]').waitFor();
    expect(await page.locator('[data-testid=evicted-notice]').count()).toBe(0);
    await context.close();
  });
});
