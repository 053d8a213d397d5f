import type { TestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  go,
  PASSWORD,
  screenshot,
  startApp,
  stopApp,
  syncNow,
  waitForPending,
  waitForServiceWorker,
  waitForSynced,
} from './helpers/browser';

let server: TestServer;
let browser: Browser;
let api: Api;
const ids = new Map<string, number>();

const MATHIEU = 'leader@pack-a.test';
const GENEVIEVE = 'admin@pack-a.test';
const ISABELLE = 'viewer@pack-a.test';

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, GENEVIEVE);
  for (const email of [MATHIEU, GENEVIEVE, ISABELLE]) {
    const response = await fetch(`${server.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    ids.set(email, ((await response.json()) as { data: { user: { id: number } } }).data.user.id);
  }
}, 120_000);

afterAll(() => stopApp({ server, browser }));

/** A leader's phone: 375x812, touch, in Toronto's time zone, French. */
function phone(): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
    timezoneId: 'America/Toronto',
    locale: 'fr-CA',
  });
}

/** Fills the sign-in form (the first screen, or the lock screen) and waits for the app. */
async function signInOnForm(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
  await page.locator('[data-testid=connectivity]').waitFor({ timeout: 20_000 });
}

/** Signs out from the More screen: the lock screen shows. */
async function signOut(page: Page): Promise<void> {
  await go(page, 'more');
  await page.click('[data-testid=sign-out]');
  await page.locator('[data-testid=locked]').waitFor();
}

/** Every push the page sends: who it was sent as (the bearer token) and what it held. */
function recordPushes(page: Page): { token: string; body: string }[] {
  const pushes: { token: string; body: string }[] = [];
  page.on('request', (request: Request) => {
    if (!request.url().endsWith('/api/v1/sync/push')) return;
    pushes.push({ token: request.headers().authorization ?? '', body: request.postData() ?? '' });
  });
  return pushes;
}

async function awardHonor(page: Page, reason: string): Promise<void> {
  await go(page, 'honors');
  await page.locator('form select').first().selectOption({ index: 1 });
  await page.fill('input[name=reason]', reason);
  await page.click('[data-testid=award]');
  await page.locator('[data-testid=honor-row]', { hasText: reason }).waitFor();
}

describe('one phone, several leaders', () => {
  it('keeps a leader’s offline changes for them when an admin signs in on the same phone', async () => {
    const participant = (await api.list('participants'))[0] as { id: number; first_name: string };
    const requirement = await api.create('medication_requirements', {
      participant_id: participant.id,
      medication_name: `Ventolin ${Date.now() % 100000}`,
      frequency_times: ['08:00'],
    });
    const context = await phone();
    const page = await context.newPage();
    const pushes = recordPushes(page);
    await page.goto(server.url);
    await signInOnForm(page, MATHIEU);
    await waitForSynced(page);
    await waitForServiceWorker(page);

    // Mathieu, offline: an honor and a dose.
    await context.setOffline(true);
    await page.locator('[data-testid=connectivity]', { hasText: 'Hors ligne' }).waitFor();
    const reason = `Feu de camp ${Date.now() % 100000}`;
    await awardHonor(page, reason);
    await go(page, 'medication');
    const dose = page.locator('[data-testid=dose-row]', { hasText: String(requirement.medication_name) });
    await dose.locator('button.primary').click();
    await dose.locator('.tag-given').waitFor();
    await waitForPending(page, 2);

    // He signs out, offline: the app locks and says whose changes wait.
    await signOut(page);
    const waiting = page.locator('[data-testid=waiting-others] li');
    await expect
      .poll(() => waiting.textContent())
      .toBe('2 modifications de Mathieu Gagnon seront envoyées quand Mathieu Gagnon se connectera.');
    await screenshot(page, 'shared-phone-locked');

    // Geneviève, the admin, signs in on the same phone, online.
    await context.setOffline(false);
    const before = pushes.length;
    await page.click('[data-testid=known-people] button');
    await signInOnForm(page, GENEVIEVE);
    await waitForSynced(page);
    const herChange = `Pagaie d’or ${Date.now() % 100000}`;
    await awardHonor(page, herChange);
    await waitForSynced(page);
    await expect
      .poll(() => page.locator('.status [data-testid=waiting-others] li').textContent())
      .toBe('2 modifications de Mathieu Gagnon seront envoyées quand Mathieu Gagnon se connectera.');
    await screenshot(page, 'shared-phone-status-bar');
    await go(page, 'sync');
    await page.locator('main [data-testid=waiting-others]').waitFor();
    await screenshot(page, 'shared-phone-sync-details');

    const herPushes = pushes.slice(before);
    expect(herPushes.length).toBeGreaterThan(0);
    expect(herPushes.some((p) => p.body.includes(herChange))).toBe(true);
    expect(
      herPushes.some((p) => p.body.includes(reason) || p.body.includes('medication_distributions')),
    ).toBe(false);
    const herTokens = new Set(herPushes.map((p) => p.token));
    // On the server: her honor is hers; Mathieu's honor and dose are not there yet.
    const honors = await api.list('honors');
    expect(honors.find((h) => h.reason === herChange)?.created_by).toBe(ids.get(GENEVIEVE));
    expect(honors.find((h) => h.reason === reason)).toBeUndefined();
    const doses = () =>
      api.list('medication_distributions', { medication_requirement_id: requirement.id as number });
    expect(await doses()).toEqual([]);

    // Mathieu signs in again: his changes reach the server, as his, under his own token.
    await signOut(page);
    const mathieuFrom = pushes.length;
    await page.click('[data-testid=known-people] button:has-text("Mathieu")');
    await signInOnForm(page, MATHIEU);
    await waitForSynced(page);
    await expect
      .poll(async () => (await api.list('honors')).find((h) => h.reason === reason)?.created_by)
      .toBe(ids.get(MATHIEU));
    const [given] = await doses();
    expect(given).toMatchObject({ status: 'given', administered_by: ids.get(MATHIEU) });
    const his = pushes.slice(mathieuFrom).filter((p) => p.body.includes(reason));
    expect(his).toHaveLength(1);
    expect(herTokens.has(his[0]?.token ?? '')).toBe(false);
    expect(await page.locator('[data-testid=waiting-others]').count()).toBe(0);
    await context.close();
  });

  it('signs out offline and back in offline: the roster and the medication list are still there', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(server.url);
    await signInOnForm(page, MATHIEU);
    await waitForSynced(page);
    await waitForServiceWorker(page);
    const rosterRows = await page.locator('.list .row').count();
    expect(rosterRows).toBeGreaterThan(3);
    await go(page, 'medication');
    const doseRows = await page.locator('[data-testid=dose-row]').count();

    await context.setOffline(true);
    await page.locator('[data-testid=connectivity]', { hasText: 'Hors ligne' }).waitFor();
    await signOut(page);
    await screenshot(page, 'lock-screen');

    // Someone who never signed in here cannot get in without network; a wrong password neither.
    await page.fill('input[name=email]', ISABELLE);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form button[type=submit]');
    await page.locator('[role=alert]', { hasText: 'seules les personnes déjà connectées' }).waitFor();
    await page.click('[data-testid=known-people] button');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('form button[type=submit]');
    await page.locator('[role=alert]', { hasText: 'Courriel ou mot de passe incorrect' }).waitFor();
    await screenshot(page, 'lock-screen-wrong-password');

    await signInOnForm(page, MATHIEU);
    await page.reload(); // also after the app restarts offline
    await page.waitForFunction((n) => document.querySelectorAll('.list .row').length === n, rosterRows);
    await go(page, 'medication');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=dose-row]').length === n,
      doseRows,
    );
    // A change made now waits for an online sign-in, which the status bar asks for once online.
    await context.setOffline(false);
    await page.locator('[data-testid=session-expired]').waitFor();
    await screenshot(page, 'offline-sign-in-back-online');
    await context.close();
  });

  it('shows a viewer read-only screens and sends nothing the server would refuse', async () => {
    const context = await phone();
    const page = await context.newPage();
    const pushes = recordPushes(page);
    await page.goto(server.url);
    await signInOnForm(page, ISABELLE);
    await waitForSynced(page);
    await page.locator('[data-testid=read-only]').waitFor();
    expect(await page.locator('[data-testid=add-participant]').count()).toBe(0);
    expect(await page.locator('[data-testid=add-group]').count()).toBe(0);
    await screenshot(page, 'viewer-participants');

    const participant = (await api.list('participants'))[0] as { id: number };
    await go(page, `participants/${participant.id}`);
    await page.locator('input[name=first_name]').waitFor();
    expect(await page.locator('input[name=first_name]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=save]').count()).toBe(0);

    await go(page, 'attendance');
    await page.locator('[data-testid=roll-row]').first().waitFor();
    const buttons = page.locator('[data-testid=roll-row] button');
    expect(await buttons.count()).toBeGreaterThan(0);
    for (const button of await buttons.all()) expect(await button.isDisabled()).toBe(true);
    await screenshot(page, 'viewer-attendance');

    await go(page, 'honors');
    expect(await page.locator('[data-testid=award]').count()).toBe(0);
    await go(page, 'medication');
    expect(await page.locator('[data-testid=dose-row] button').count()).toBe(0);
    await syncNow(page);
    expect(pushes).toEqual([]);
    await context.close();
  });

  it('makes at most two requests for one attendance tap: the push and one pull', async () => {
    const context = await phone();
    const page = await context.newPage();
    // The live stream opens a few seconds after the first sign-in: counted from once it is up.
    const streamOpen = page.waitForRequest((r) => r.url().includes('/api/v1/sync/events'), {
      timeout: 30_000,
    });
    await page.goto(server.url);
    await signInOnForm(page, MATHIEU);
    await waitForSynced(page);
    await go(page, 'attendance');
    await page.locator('.toolbar select').selectOption({ index: 0 });
    const row = page.locator('[data-testid=roll-row]').first();
    await row.waitFor();
    await streamOpen;
    await page.waitForTimeout(1000);

    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    const target = (await row.locator('button[aria-pressed=true]').count()) > 0 ? 'Absent' : 'Présent';
    await row.locator(`button[title="${target}"]`).tap();
    await row.locator(`button[title="${target}"][aria-pressed=true]`).waitFor();
    await waitForSynced(page);
    // Whatever the tap sets off afterwards (the live stream's echo of the change) counts too.
    await page.waitForTimeout(2000);
    expect(requests.filter((r) => r.endsWith('/sync/push'))).toHaveLength(1);
    expect(requests.length, requests.join(', ')).toBeLessThanOrEqual(2);
    await context.close();
  });
  it('removes the unit from the phone only as a separate action that says what would be lost', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(server.url);
    await signInOnForm(page, MATHIEU);
    await waitForSynced(page);
    await context.setOffline(true);
    await page.locator('[data-testid=connectivity]', { hasText: 'Hors ligne' }).waitFor();
    const reason = `Nœud de chaise ${Date.now() % 100000}`;
    await awardHonor(page, reason);
    await waitForPending(page, 1);

    await go(page, 'more');
    await page.click('[data-testid=remove-unit]');
    await page
      .locator('[data-testid=remove-unit-loses]', {
        hasText: '1 modification pas encore envoyée serait perdue.',
      })
      .waitFor();
    const confirm = page.locator('[data-testid=confirm-remove-unit]');
    expect(await confirm.isDisabled()).toBe(true);
    await page.click('[data-testid=remove-unit-accept]');
    expect(await confirm.isDisabled()).toBe(false);
    await screenshot(page, 'remove-unit-confirm');
    await confirm.click();

    // A fresh phone: the first sign-in screen, no lock, nothing of the unit left in IndexedDB.
    await page.waitForFunction(
      () => document.querySelector('input[name=email]') && !document.querySelector('[data-testid=locked]'),
    );
    expect(await page.locator('[data-testid=remove-unit]').count()).toBe(0);
    const left = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('WampumsOfflineDB');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const count = (store: string) =>
        new Promise<number>((resolve) => {
          if (!db.objectStoreNames.contains(store)) return resolve(0);
          const request = db.transaction(store).objectStore(store).count();
          request.onsuccess = () => resolve(request.result);
        });
      const result = { participants: await count('participants'), outbox: await count('_outbox') };
      db.close();
      return result;
    });
    expect(left).toEqual({ participants: 0, outbox: 0 });
    await context.close();
  });
});
