import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MINIMUM_PROTOCOL_VERSION, PROTOCOL_HEADER } from '@wampums/schema';
import { startTestServer } from '@wampums/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  assertBuilt,
  go,
  launchChromium,
  PWA_DIR,
  phoneContext,
  screenshot,
  signIn,
  waitForPending,
  waitForServiceWorker,
  waitForSynced,
} from './helpers/browser';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

let server: TestServer;
let browser: Browser;
let api: Api;
/** A copy of the built app the server serves, so a test can deploy a "new version" into it. */
let servedDir: string;

beforeAll(async () => {
  assertBuilt();
  servedDir = mkdtempSync(join(tmpdir(), 'wampums-pwa-'));
  cpSync(PWA_DIR, servedDir, { recursive: true });
  [server, browser] = await Promise.all([
    startTestServer({ backend: 'pglite', seedDemo: true, pwaDir: servedDir }),
    launchChromium(),
  ]);
  api = await Api.signIn(server.apiUrl, 'leader@pack-a.test');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (servedDir) rmSync(servedDir, { recursive: true, force: true });
});

async function arrived(name: string): Promise<boolean> {
  return (await api.list('groups')).some((g) => g.name === name);
}

async function addGroup(page: import('playwright-core').Page, name: string): Promise<void> {
  await go(page, 'groups/new');
  await page.locator('input[name=group_name]').fill(name);
  await page.click('[data-testid=save-group]');
}

describe('versions in the browser', () => {
  it('says when the server no longer serves this version, keeps the waiting change, updates and then sends it', async () => {
    const context = await phoneContext(browser);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await waitForServiceWorker(page);
    // From here the running app speaks a protocol the server no longer serves.
    const old = String(MINIMUM_PROTOCOL_VERSION - 1);
    await context.route('**/api/v1/**', (route) =>
      route.continue({ headers: { ...route.request().headers(), [PROTOCOL_HEADER]: old } }),
    );
    const name = `Sizaine ${Date.now() % 100000}`;
    await addGroup(page, name);
    await waitForPending(page, 1);
    await page.click('[data-testid=sync-now]');
    const alert = page.locator('[data-testid=upgrade-required]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain("n'est plus acceptée");
    expect(await alert.textContent()).toContain('Votre 1 modification en attente est conservée');
    await screenshot(page, 'upgrade-required');
    await waitForPending(page, 1);
    expect(await arrived(name)).toBe(false);

    // The new version is deployed; it speaks a protocol the server serves.
    const sw = join(servedDir, 'sw.js');
    writeFileSync(sw, `${readFileSync(sw, 'utf8')}\n// next version\n`);
    await context.unroute('**/api/v1/**');
    await Promise.all([
      page.waitForEvent('load', { timeout: 30_000 }),
      page.click('[data-testid=upgrade-apply]'),
    ]);
    await page.locator('[data-testid=connectivity]').waitFor();
    await waitForSynced(page);
    await expect.poll(() => arrived(name), { timeout: 20_000, interval: 300 }).toBe(true);
    expect(await page.locator('[data-testid=upgrade-required]').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('lets a newer version of the database open while this tab is open: this tab closes it, its waiting change kept', async () => {
    const context = await phoneContext(browser);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await context.setOffline(true);
    const name = `Tanière ${Date.now() % 100000}`;
    await addGroup(page, name);
    await waitForPending(page, 1);

    // A second tab of a newer version opens the same database one version up.
    const other = await context.newPage();
    await other.goto(`${server.url}/manifest.webmanifest`).catch(() => undefined);
    const upgraded = await other.evaluate(async () => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '');
      const dbName = names.find((n) => n.startsWith('WampumsOfflineDB'));
      if (!dbName) return { error: `no database among ${names.join(',')}` };
      const version = (await indexedDB.databases()).find((d) => d.name === dbName)?.version ?? 0;
      let blocked = false;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(dbName, version + 10);
        open.onblocked = () => {
          blocked = true;
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const entries = await new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const request = db.transaction('_outbox').objectStore('_outbox').getAll();
        request.onsuccess = () => resolve(request.result as Record<string, unknown>[]);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return {
        blocked,
        waiting: entries
          .filter((e) => e.status === 'pending')
          .map((e) => (e.payload as { name?: string } | null)?.name),
      };
    });
    expect(upgraded).toEqual({ blocked: false, waiting: [name] });
    await page.locator('[data-testid=replaced-by-newer]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=replaced-by-newer]').textContent()).toContain('autre onglet');
    await screenshot(page, 'replaced-by-newer');
    await context.close();
  }, 120_000);
});
