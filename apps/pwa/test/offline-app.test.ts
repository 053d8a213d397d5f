import type { TestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  go,
  phoneContext,
  screenshot,
  signIn,
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

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'leader@pack-a.test');
}, 120_000);

afterAll(() => stopApp({ server, browser }));

/** Adds a participant through the form, in the first group. */
async function addParticipant(page: Page, first: string, last: string): Promise<void> {
  await go(page, 'participants/new');
  await page.fill('input[name=first_name]', first);
  await page.fill('input[name=last_name]', last);
  await page.locator('form select').first().selectOption({ index: 1 });
  await page.click('[data-testid=save]');
  await page
    .locator('.row-main', { hasText: `${first} ${last}` })
    .first()
    .waitFor();
}

describe('the leaders app in Chromium', () => {
  let context: BrowserContext;
  let page: Page;

  it('signs in online, then opens from the service worker with its data when offline', async () => {
    context = await phoneContext(browser);
    page = await signIn(context, server.url, 'leader@pack-a.test');
    await waitForServiceWorker(page);
    const rows = await page.locator('.list .row').count();
    expect(rows).toBeGreaterThan(3); // the demo roster arrived
    expect(await page.textContent('h1')).toBe('Jeunes'); // French: the demo organization's locale
    await screenshot(page, 'participants');

    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid=connectivity]', { hasText: 'Hors ligne' }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.list .row').length === n, rows);
  });

  it('offline: a new participant, their attendance and an honor reach the server once each', async () => {
    const first = 'Zoé';
    const last = `Hors-Ligne-${Date.now() % 100000}`;
    await addParticipant(page, first, last);

    await go(page, 'attendance');
    await page.locator('.toolbar select').selectOption({ index: 0 });
    const row = page.locator('[data-testid=roll-row]', { hasText: `${first} ${last}` });
    await row.locator('button[title="Présent"]').click();
    await row.locator('button[aria-pressed=true]').waitFor();
    await screenshot(page, 'attendance');

    await go(page, 'honors');
    await page.selectOption('select[name=participant]', { label: `${first} ${last}` });
    await page.fill('input[name=reason]', 'Aide au feu de camp');
    await page.click('[data-testid=award]');
    await page
      .locator('[data-testid=honor-row]', { hasText: 'Aide au feu de camp' })
      .locator('.tag')
      .waitFor();
    await screenshot(page, 'honors');
    await waitForPending(page, 3);
    expect(await api.list('participants').then((r) => r.filter((p) => p.last_name === last))).toEqual([]);

    await context.setOffline(false);
    await syncNow(page);

    const created = (await api.list('participants')).filter((p) => p.last_name === last);
    expect(created).toHaveLength(1);
    const participantId = created[0]!.id as number;
    const attendance = await api.list('attendance', { participant_id: participantId });
    expect(attendance.map((a) => a.status)).toEqual(['present']);
    const honors = await api.list('honors', { participant_id: participantId });
    expect(honors).toHaveLength(1);
    const points = await api.list('points', { participant_id: participantId });
    expect(points).toHaveLength(1);
    expect(points[0]!.honor_id).toBe(honors[0]!.id);

    // The honor's points are now confirmed on the device too: no "pending" mark left.
    await page
      .locator('[data-testid=honor-row]', { hasText: 'Aide au feu de camp' })
      .locator('.points')
      .waitFor({ timeout: 15_000 });
  });

  it('shows every main screen readably at phone size, in one language at a time', async () => {
    await go(page, 'medication');
    await screenshot(page, 'medication');
    await go(page, 'activities');
    const activity = page.locator('.list .row').first();
    if ((await activity.count()) > 0) {
      await activity.click();
      await page.locator('h2', { hasText: 'Covoiturage' }).waitFor();
      await screenshot(page, 'activity-carpools');
    }
    await go(page, 'badges');
    await screenshot(page, 'badges');
    await go(page, 'conflicts');
    await screenshot(page, 'conflicts-empty');
    await go(page, 'sync');
    await page.locator('[data-testid=storage]', { hasText: 'utilisés' }).waitFor();
    await screenshot(page, 'sync-details');

    // Switch to English: no French message is left anywhere on the page.
    const { fr } = await import('../src/i18n/fr');
    const { en } = await import('../src/i18n/en');
    const frenchOnly = Object.entries(fr)
      .filter(([key, text]) => en[key as keyof typeof en] !== text && !text.includes('{') && text.length > 4)
      .map(([, text]) => text);
    await go(page, 'more');
    await page.click('fieldset.segmented button:has-text("English")');
    await page.locator('h1', { hasText: 'More' }).waitFor();
    for (const route of ['participants', 'attendance', 'honors', 'medication', 'badges', 'more', 'sync']) {
      await go(page, route);
      await screenshot(page, `${route}-en`);
      const text = await page.evaluate(() => document.body.textContent ?? '');
      expect(
        frenchOnly.filter((s) => text.includes(s)),
        route,
      ).toEqual([]);
    }
    await page.click('[data-testid=sync-now]').catch(() => undefined);
    await go(page, 'more');
    await page.click('fieldset.segmented button:has-text("Français")');
    await context.close();
  });

  it('closing the page while a push is in flight loses nothing and duplicates nothing', async () => {
    // Service workers blocked here so that the test can hold the push request in the network layer.
    const ctx = await phoneContext(browser, { serviceWorkers: 'block' });
    const first = await signIn(ctx, server.url, 'admin@pack-a.test');
    const last = `Coupure-${Date.now() % 100000}`;
    await ctx.setOffline(true);
    await addParticipant(first, 'Léa', last);
    await go(first, 'honors');
    await first.selectOption('select[name=participant]', { label: `Léa ${last}` });
    await first.fill('input[name=reason]', 'Courage sous la pluie');
    await first.click('[data-testid=award]');
    await waitForPending(first, 2);

    // The server receives and applies the push, but the page is closed before the answer arrives.
    let reached!: () => void;
    const pushReached = new Promise<void>((resolve) => {
      reached = resolve;
    });
    await ctx.route('**/api/v1/sync/push', async (route) => {
      await route.fetch(); // the server applies it...
      reached(); // ...and the answer is never delivered
    });
    await ctx.setOffline(false);
    // Back online, the app pushes by itself.
    await pushReached;
    await first.close();
    await ctx.unrouteAll({ behavior: 'ignoreErrors' });

    const second = await ctx.newPage();
    await second.goto(server.url);
    await second.locator('[data-testid=connectivity]').waitFor();
    await syncNow(second);

    const rows = (await api.list('participants')).filter((p) => p.last_name === last);
    expect(rows).toHaveLength(1);
    const honors = await api.list('honors', { participant_id: rows[0]!.id as number });
    expect(honors.map((h) => h.reason)).toEqual(['Courage sous la pluie']);
    expect(await api.list('points', { participant_id: rows[0]!.id as number })).toHaveLength(1);
    // And on the device: one record each, under the server's ids.
    await go(second, 'participants');
    expect(await second.locator('.row-main', { hasText: `Léa ${last}` }).count()).toBe(1);
    await waitForSynced(second);
    await ctx.close();
  });
});
