import { startTestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
  syncNow,
  waitForPending,
} from './helpers/browser';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

let server: TestServer;
let browser: Browser;
let api: Api;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertBuilt();
  [server, browser] = await Promise.all([
    startTestServer({ backend: 'postgres', seedDemo: true, pwaDir: PWA_DIR }),
    launchChromium(),
  ]);
  api = await Api.signIn(server.apiUrl, 'leader@pack-a.test');
  context = await phoneContext(browser);
  page = await signIn(context, server.url, 'leader@pack-a.test');
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
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
});
