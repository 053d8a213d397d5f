import { timeInZone } from '@wampums/schema';
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
} from './helpers/browser';

let server: TestServer;
let browser: Browser;
let api: Api;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'leader@pack-a.test');
  context = await phoneContext(browser);
  page = await signIn(context, server.url, 'leader@pack-a.test');
}, 120_000);

afterAll(async () => {
  await context?.close();
  await stopApp({ server, browser });
});

describe('a leader at work, offline then online', () => {
  it('creates a group offline, moves a participant into it, and the server gets both', async () => {
    const participant = (await api.list('participants'))[0]!;
    const name = `Patrouille ${Date.now() % 100000}`;
    await context.setOffline(true);

    await go(page, 'participants');
    await page.click('[data-testid=add-group]');
    await page.locator('input[name=group_name]').fill(`${name} (brouillon)`);
    await page.selectOption('select[name=section]', 'scouts');
    await page.click('[data-testid=save-group]');
    const title = page.locator('[data-testid=group-title]', { hasText: name });
    await title.waitFor();
    // Renamed before it ever reached the server: still one group.
    await title.locator('a.button').click();
    await page.locator('input[name=group_name]').fill(name);
    await page.click('[data-testid=save-group]');
    await page.locator('[data-testid=group-title]', { hasText: `${name}Éclaireurs` }).waitFor();
    await screenshot(page, 'participants-groups');

    await go(page, `participants/${participant.id}`);
    await page.locator('form select').first().selectOption({ label: name });
    await page.click('[data-testid=save]');
    await page.locator('.alert-ok').waitFor();
    await go(page, 'participants');
    await title
      .locator('xpath=..')
      .locator('.row-main', { hasText: String(participant.last_name) })
      .waitFor();
    await waitForPending(page, 2);

    await context.setOffline(false);
    await syncNow(page);
    const groups = (await api.list('groups')).filter((g) => String(g.name).startsWith(name));
    expect(groups.map((g) => [g.name, g.section])).toEqual([[name, 'scouts']]);
    expect((await api.get('participants', participant.id as number)).group_id).toBe(groups[0]!.id);

    // Online, an existing group: a new section only.
    await go(page, 'participants');
    await title.locator('a.button').click();
    await page.selectOption('select[name=section]', 'cubs');
    await page.click('[data-testid=save-group]');
    await page.locator('[data-testid=group-title]', { hasText: `${name}Louveteaux` }).waitFor();
    await syncNow(page);
    expect(await api.get('groups', groups[0]!.id as number)).toMatchObject({ name, section: 'cubs' });
  });

  it("shows the server's reason when an approval is refused, and undoes it on request", async () => {
    const before = (await api.list('badge_progress', { status: 'pending' })).length;
    // Signed in as an admin, demoted since: the pushes now carry a leader's token.
    const leaderToken = await server.login('leader@pack-a.test');
    const ctx = await phoneContext(browser, { serviceWorkers: 'block' });
    const admin = await signIn(ctx, server.url, 'admin@pack-a.test');
    await ctx.route('**/api/v1/sync/push', (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${leaderToken}` } }),
    );
    await go(admin, 'badges');
    const row = admin.locator('.list li', { has: admin.locator('button', { hasText: 'Approuver' }) }).first();
    const who = (await row.locator('strong').textContent()) ?? '';
    await row.locator('button', { hasText: 'Approuver' }).click();

    const refused = admin.locator('[data-testid=badge-refused]');
    await refused.locator('li', { hasText: who }).waitFor({ timeout: 15_000 });
    expect(await refused.textContent()).toContain('Seul un administrateur peut approuver');
    await screenshot(admin, 'badges-refused');
    expect(await api.list('badge_progress', { status: 'pending' })).toHaveLength(before);

    // Undoing the change puts the level back among those waiting for approval.
    await refused.locator('button').click();
    await refused.waitFor({ state: 'detached' });
    await admin
      .locator('.list li', { hasText: who })
      .locator('button', { hasText: 'Approuver' })
      .first()
      .waitFor();
    await ctx.close();
  });

  it('marks a scheduled dose given offline, with the time and a witness', async () => {
    const participant = (await api.list('participants'))[1]!;
    const medication = `Ibuprofène ${Date.now() % 100000}`;
    await api.create('medication_requirements', {
      participant_id: participant.id,
      medication_name: medication,
      frequency_times: ['12:00'],
    });
    await syncNow(page);
    await go(page, 'medication');
    const dose = page.locator('[data-testid=dose-row]', { hasText: medication });
    await dose.waitFor({ timeout: 15_000 }); // pulled (a sync may already have been running)
    await context.setOffline(true);
    await dose.locator('input[type=time]').fill('12:05');
    await dose.locator('input[name=witness_name]').fill('Julie Côté');
    await dose.locator('button', { hasText: 'Donné' }).click();
    await dose.locator('.tag-given').waitFor();
    await screenshot(page, 'medication-given');
    await waitForPending(page, 1);

    await context.setOffline(false);
    await syncNow(page);
    const given = (
      await api.list('medication_distributions', { participant_id: participant.id as number })
    ).filter((d) => d.witness_name === 'Julie Côté');
    expect(given.map((d) => d.status)).toEqual(['given']);
    // The time the leader typed, on the unit's clock (docs/domain.md), whatever the phone's zone.
    expect(timeInZone(String(given[0]!.administered_at), 'America/Toronto')).toBe('12:05');
  });

  it("names each offer's driver, online and offline, and assigns riders within the seats", async () => {
    const [seeded] = await api.list('carpool_offers'); // the demo's first rides are the admin's
    await go(page, `activities/${seeded!.activity_id}`);
    const cards = page.locator('[data-testid=carpool-offer]');
    await cards.first().waitFor();
    const titles = async () => (await cards.locator('h3').allTextContents()).join(' | ');
    await page.waitForFunction(() => document.body.textContent?.includes('Geneviève Tremblay'));
    expect(await titles()).not.toMatch(/nº/);
    await context.setOffline(true);
    await page.reload();
    await cards.first().waitFor();
    expect(await titles()).toContain('Geneviève Tremblay'); // from the session record, offline
    await context.setOffline(false);
    await page.locator('[data-testid=connectivity]', { hasText: 'En ligne' }).waitFor();

    // A one-seat ride, synced; then two riders offline: the app takes one and refuses the second.
    const make = `Civic ${Date.now() % 100000}`;
    await page.click('[data-testid=offer-ride]');
    await page.fill('input[name=vehicle_make]', make);
    await page.fill('input[name=total_seats_available]', '1');
    await page.locator('form select[name=trip_direction]').last().selectOption('to_activity');
    await page.click('[data-testid=save-offer]');
    const card = cards.filter({ hasText: make });
    await card.waitFor();
    await syncNow(page);
    const [offer] = (await api.list('carpool_offers')).filter((o) => o.vehicle_make === make);
    expect(offer).toMatchObject({ total_seats_available: 1, trip_direction: 'to_activity' });

    const riders = (await api.list('participants')).slice(2, 4);
    const label = (p: Record<string, unknown>) => `${String(p.first_name)} ${String(p.last_name)}`;
    await context.setOffline(true);
    await card.locator('select[name=trip_direction]').selectOption('to_activity');
    await card.locator('select[name=participant]').selectOption({ label: label(riders[0]!) });
    await card.locator('[data-testid=assign]').click();
    await card.locator('[data-testid=rider]', { hasText: label(riders[0]!) }).waitFor();
    await card.locator('[data-testid=assign]:disabled').waitFor(); // "Complet": no second rider
    await screenshot(page, 'activity-carpool-full');

    // Meanwhile another leader took the seat on the server: the push is refused with no_seats.
    await api.create('carpool_assignments', {
      carpool_offer_id: offer!.id,
      participant_id: riders[1]!.id,
      trip_direction: 'to_activity',
    });
    await context.setOffline(false);
    await page.click('[data-testid=sync-now]'); // the refused change stays counted: no waitForSynced
    await card
      .locator('[data-testid=rider-refused]', { hasText: 'Plus de place dans cette voiture' })
      .waitFor();
    await screenshot(page, 'activity-carpool-refused');
    const onServer = await api.list('carpool_assignments', { carpool_offer_id: offer!.id as number });
    expect(onServer.map((a) => a.participant_id)).toEqual([riders[1]!.id]);

    // Undoing the refused rider leaves the server's one.
    await card
      .locator('[data-testid=rider]', { hasText: label(riders[0]!) })
      .locator('button')
      .click();
    await card.locator('[data-testid=rider-refused]').waitFor({ state: 'detached' });
    await card.locator('[data-testid=rider]', { hasText: label(riders[1]!) }).waitFor();
    expect(await card.locator('[data-testid=rider]').count()).toBe(1);
  });
});
