import type { TestServer } from '@wampums/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import {
  go,
  PASSWORD,
  screenshot,
  signIn,
  startApp,
  stopApp,
  waitForPending,
  waitForSynced,
} from './helpers/browser';
import { campPhone } from './helpers/camp-phone';

let server: TestServer;
let browser: Browser;
let api: Api;

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'admin@pack-a.test');
}, 120_000);

afterAll(async () => {
  await stopApp({ server, browser });
});

async function fillSignIn(page: Page, email: string): Promise<void> {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
}

/** Taps the first roll-call row's status that is not pressed: one change in the outbox. */
async function oneChange(page: Page): Promise<void> {
  await go(page, 'attendance');
  const row = page.locator('[data-testid=roll-row]').first();
  await row.waitFor();
  const target = (await row.getAttribute('data-status')) === 'absent' ? 'present' : 'absent';
  await row.locator(`.status-${target}`).tap();
  await row.locator(`.status-${target}[aria-pressed=true]`).waitFor();
}

describe('the sign-in screen speaks the right language', () => {
  it("follows the browser until an organization is known, then the last organization's", async () => {
    for (const [locale, submit] of [
      ['en-US', 'Sign in'],
      ['fr-CA', 'Se connecter'],
    ] as const) {
      const context = await campPhone(browser, locale);
      const page = await context.newPage();
      await page.goto(server.url);
      await page.locator('button[type=submit]', { hasText: submit }).waitFor();
      await screenshot(page, `signin-${locale}`);
      await context.close();
    }
    // A French phone, an English unit: once signed out, the lock screen stays in English.
    const context = await campPhone(browser, 'fr-CA');
    const page = await signIn(context, server.url, 'leader@pack-b.test');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await go(page, 'more');
    await page.click('[data-testid=sign-out]');
    await page.locator('[data-testid=locked]').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.locator('button[type=submit]', { hasText: 'Sign in' }).waitFor();
    await context.close();
  });
});

describe('the first download', () => {
  it('shows that the unit is still coming, with Add disabled, until it has arrived', async () => {
    const context = await campPhone(browser, 'fr-CA');
    // A slow link: every page of the first pull takes 2.5 s.
    await context.route('**/api/v1/sync/pull**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await fillSignIn(page, 'leader@pack-a.test');
    const loading = page.locator('[data-testid=first-download]');
    await loading.waitFor();
    expect(await loading.textContent()).toContain('Téléchargement des jeunes de l’unité en cours');
    expect(await page.locator('[data-testid=add-participant]').isDisabled()).toBe(true);
    expect(await page.locator('.empty', { hasText: 'Aucun jeune' }).count()).toBe(0);
    await screenshot(page, 'first-download');
    await waitForSynced(page);
    await loading.waitFor({ state: 'detached' });
    expect(await page.locator('a[data-testid=add-participant]').count()).toBe(1);
    expect(await page.locator('.list li').count()).toBeGreaterThan(0);
    await context.close();
  });
});

describe('failure wording and "sync now"', () => {
  for (const [lang, email, locale, offlineText, retryText] of [
    [
      'fr',
      'leader@pack-a.test',
      'fr-CA',
      'Hors ligne : 1 modification gardée sur ce téléphone',
      'nouvel essai à',
    ],
    ['en', 'leader@pack-b.test', 'en-CA', 'Offline: 1 change saved on this phone', 'next try at'],
  ] as const) {
    it(`a dropped network says the change is kept and when it is tried again, never "refused" (${lang})`, async () => {
      const context = await campPhone(browser, locale);
      const page = await signIn(context, server.url, email);

      await context.setOffline(true);
      await oneChange(page);
      const kept = page.locator('[data-testid=offline-kept]');
      await kept.waitFor();
      expect(await kept.textContent()).toContain(offlineText);
      expect(await page.locator('[data-testid=refused]').count()).toBe(0);
      await screenshot(page, `offline-kept-${lang}`);
      await context.setOffline(false);
      await waitForSynced(page);

      // The network drops under a phone that believes it is online: pushes fail on the wire.
      const pushes: number[] = [];
      await context.route('**/api/v1/sync/push', (route) => {
        pushes.push(Date.now());
        return route.abort('internetdisconnected');
      });
      await oneChange(page);
      const retrying = page.locator('[data-testid=retrying]');
      await retrying.waitFor({ timeout: 10_000 });
      expect(await retrying.textContent()).toContain(retryText);
      expect(await page.locator('[data-testid=refused]').count()).toBe(0);
      await screenshot(page, `retrying-${lang}`);
      // Automatic tries back off: wait until the next one is more than 4 s away.
      await page.waitForFunction(
        () => {
          const at = Number(document.querySelector('[data-testid=retrying]')?.getAttribute('data-next-at'));
          return at - Date.now() > 4000;
        },
        undefined,
        { timeout: 40_000 },
      );
      expect(pushes.length).toBeGreaterThanOrEqual(3);
      const nextAt = Number(await retrying.getAttribute('data-next-at'));

      // The network is back: one tap sends at once, without waiting for the next try.
      await context.unroute('**/api/v1/sync/push');
      const tapped = Date.now();
      const sent = page.waitForResponse((r) => r.url().endsWith('/api/v1/sync/push') && r.ok());
      await page.locator('[data-testid=sync-now]').tap();
      await sent;
      await waitForPending(page, 0);
      const waited = Date.now() - tapped;
      expect(Date.now()).toBeLessThan(nextAt);
      expect(waited).toBeLessThan(3000);
      await retrying.waitFor({ state: 'detached' });
      await context.close();
    });
  }

  it('a refusal says so in the leader’s language, with "undo my change"', async () => {
    // An admin demoted since: the approval goes out with a leader's token and is refused.
    const leaderToken = await server.login('leader@pack-a.test');
    const context = await campPhone(browser, 'fr-CA');
    const page = await signIn(context, server.url, 'admin@pack-a.test');
    await context.route('**/api/v1/sync/push', (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${leaderToken}` } }),
    );
    await go(page, 'badges');
    const row = page.locator('.list li', { has: page.locator('button', { hasText: 'Approuver' }) }).first();
    const who = (await row.locator('strong').textContent()) ?? '';
    await row.locator('button', { hasText: 'Approuver' }).tap();
    await page.locator('[data-testid=badge-decided]', { hasText: `Badge approuvé : ${who}` }).waitFor();
    const refused = page.locator('[data-testid=refused]');
    await refused.waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toContain('1 modification refusée par le serveur');
    expect(await page.locator('[data-testid=retrying]').count()).toBe(0);
    await refused.locator('button', { hasText: 'voir pourquoi' }).tap();
    const list = page.locator('[data-testid=refused-list]');
    expect(await list.textContent()).toContain('Vous n’avez pas le droit de faire ce changement.');
    await screenshot(page, 'refused-fr');
    await list.locator('button', { hasText: 'Annuler mon changement' }).tap();
    await refused.waitFor({ state: 'detached' });
    await waitForPending(page, 0);
    await page
      .locator('.list li', { hasText: who })
      .locator('button', { hasText: 'Approuver' })
      .first()
      .waitFor();
    await context.close();
  });

  it('removing a carpool rider can be undone, and the server keeps the rider', async () => {
    const [activity] = await api.list('activities');
    const make = `Odyssey ${Date.now() % 100000}`;
    const offer = await api.create('carpool_offers', {
      activity_id: activity!.id,
      vehicle_make: make,
      total_seats_available: 3,
      trip_direction: 'both',
    });
    const [rider] = await api.list('participants');
    const riderName = `${String(rider!.first_name)} ${String(rider!.last_name)}`;
    await api.create('carpool_assignments', {
      carpool_offer_id: offer.id,
      participant_id: rider!.id,
      trip_direction: 'both',
    });
    const context = await campPhone(browser, 'fr-CA');
    const page = await signIn(context, server.url, 'admin@pack-a.test');
    await go(page, `activities/${activity!.id}`);
    const card = page.locator('[data-testid=carpool-offer]', { hasText: make });
    const row = card.locator('[data-testid=rider]', { hasText: riderName });
    await row.locator('button', { hasText: 'Retirer' }).tap();
    await row.waitFor({ state: 'detached' });
    const removed = card.locator('[data-testid=rider-removed]');
    expect(await removed.textContent()).toContain(`${riderName} retiré de cette voiture.`);
    await screenshot(page, 'carpool-undo');
    await removed.locator('[data-testid=undo-remove]').tap();
    await row.waitFor();
    await waitForSynced(page);
    const onServer = await api.list('carpool_assignments', { carpool_offer_id: offer.id as number });
    expect(onServer.map((a) => a.participant_id)).toEqual([rider!.id]);
    await context.close();
  });

  it('#/signin is not titled "session expired" while the session is good', async () => {
    const context = await campPhone(browser, 'fr-CA');
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await go(page, 'signin');
    expect(await page.locator('.screen-head h1').textContent()).toBe('Se reconnecter');
    expect(await page.locator('[data-testid=reauth-hint]').getAttribute('data-why')).toBe('active');
    await context.close();
  });
});
