import { OFFLINE_DB_NAME } from '@wampums/schema';
import type { TestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  go,
  PASSWORD,
  screenshot,
  startApp,
  stopApp,
  waitForPending,
  waitForSynced,
} from './helpers/browser';

const LEADER = 'leader@pack-a.test';
const ADMIN = 'admin@pack-a.test';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp());
}, 120_000);

afterAll(() => stopApp({ server, browser }));

function phone(): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
    locale: 'fr-CA',
  });
}

/** Every record of every store of the app's database, read with the plain IndexedDB API, as text. */
function rawDatabase(page: Page): Promise<string> {
  return page.evaluate(
    (name) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const stores = [...db.objectStoreNames];
          const tx = db.transaction(stores);
          const parts: string[] = [];
          for (const store of stores) {
            const request = tx.objectStore(store).getAll();
            request.onsuccess = () => parts.push(`${store}: ${JSON.stringify(request.result)}`);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(parts.join('\n'));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    OFFLINE_DB_NAME,
  );
}

async function signInOnForm(page: Page, email: string): Promise<void> {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('form button[type=submit]');
  await page.locator('[data-testid=connectivity]').waitFor({ timeout: 20_000 });
}

async function signOut(page: Page): Promise<void> {
  await go(page, 'more');
  await page.click('[data-testid=sign-out]');
  await page.locator('[data-testid=locked]').waitFor();
}

describe('sensitive fields at rest on a locked phone, in Chromium', () => {
  it('leaves no medication name, note or token in clear once locked, and shows them again once unlocked', async () => {
    const api = await Api.signIn(server.apiUrl, LEADER);
    const [kid] = await api.list('participants');
    if (!kid) throw new Error('the demo unit has participants');
    const note = `Allergie aux arachides ${Date.now()}`;
    const medication = `Ventolin-${Date.now()}`;

    const context = await phone();
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
    await page.goto(server.url);
    await signInOnForm(page, LEADER);
    await waitForSynced(page);

    // Made without network: the outbox keeps them, with their payload, until the next sync.
    await context.setOffline(true);
    await page.locator('[data-testid=connectivity]', { hasText: 'Hors ligne' }).waitFor();
    await go(page, `participants/${kid.id}`);
    await page.fill('textarea[name=notes]', note);
    await page.click('[data-testid=save]');
    await go(page, `medication/new?participant=${kid.id}`);
    await page.fill('input[name=medication_name]', medication);
    await page.click('[data-testid=save]');
    await waitForPending(page, 2);

    const open = await rawDatabase(page);
    // The raw read does see them while someone is signed in: the checks below can fail.
    expect(open).toContain(note);
    expect(open).toContain(medication);
    const token = /"token":"([^"]+)"/.exec(open)?.[1];
    expect(token).toBeTruthy();

    // Locked without network: the token could not be revoked and waits, sealed.
    await signOut(page);
    // The lock screen shows at once; the sealing follows within moments.
    await expect.poll(() => rawDatabase(page), { timeout: 10_000 }).not.toContain(medication);
    const locked = await rawDatabase(page);
    expect(locked).not.toContain(note);
    expect(locked).not.toContain(medication);
    expect(locked).not.toContain(token as string);
    // Names and the rest stay readable: the lock screen and the indexes use them.
    expect(locked).toContain(String(kid.first_name));
    await screenshot(page, 'sealed-lock-screen');

    // Someone who never signed in on this phone opens it online with the unit key.
    await context.setOffline(false);
    await signInOnForm(page, ADMIN);
    await go(page, `participants/${kid.id}`);
    await expect.poll(() => page.inputValue('textarea[name=notes]')).toBe(note);
    await go(page, 'medication');
    await page.getByText(medication).first().waitFor();
    await signOut(page);
    await expect.poll(() => rawDatabase(page), { timeout: 10_000 }).not.toContain(note);
    expect(await rawDatabase(page)).not.toContain(medication);

    // Its author unlocks with their password; the changes, whole, reach the server.
    await signInOnForm(page, LEADER);
    await waitForSynced(page);
    await expect
      .poll(async () =>
        (await api.list('medication_requirements')).some((r) => r.medication_name === medication),
      )
      .toBe(true);
    expect((await api.list('participants')).find((p) => p.id === kid.id)?.notes).toBe(note);
    await go(page, 'medication');
    await page.getByText(medication).first().waitFor();
    await context.close();
  });

  it('asks for one sign-in with network when the password kept here does not open the sealed records', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(server.url);
    await signInOnForm(page, LEADER);
    await waitForSynced(page);
    await signOut(page);
    await expect.poll(() => rawDatabase(page), { timeout: 10_000 }).not.toContain('Ventolin (salbutamol)');

    // As a person remembered by a version before sealing: a verifier, no wrapped data key.
    await page.evaluate(
      (name) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => {
            const tx = open.result.transaction('_syncMeta', 'readwrite');
            const store = tx.objectStore('_syncMeta');
            const read = store.get('knownPeople');
            read.onsuccess = () => {
              const entry = read.result as { key: string; value: Record<string, unknown>[] };
              store.put({ ...entry, value: entry.value.map(({ dataKey: _dropped, ...person }) => person) });
            };
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      OFFLINE_DB_NAME,
    );
    await context.setOffline(true);
    await page.fill('input[name=email]', LEADER);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form button[type=submit]');
    await page.locator('[role=alert]', { hasText: 'Connectez-vous une fois avec le réseau' }).waitFor();
    await screenshot(page, 'sealed-sign-in-offline');

    await context.setOffline(false);
    await signInOnForm(page, LEADER);
    await go(page, 'medication');
    await page.getByText('Ventolin (salbutamol)').first().waitFor();
    await context.close();
  });
});
