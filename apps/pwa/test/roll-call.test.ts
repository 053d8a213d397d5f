import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestServer } from '@wampums/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import { go, screenshot, signIn, startApp, stopApp, waitForSynced } from './helpers/browser';
import { campPhone } from './helpers/camp-phone';

let server: TestServer;
let browser: Browser;
let api: Api;
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url));

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'admin@pack-a.test');
}, 120_000);

afterAll(async () => {
  await stopApp({ server, browser });
});

describe('roll call for 40 children', () => {
  let groupName = '';
  const names: string[] = [];

  beforeAll(async () => {
    groupName = `Sizaine des Castors du Grand Lac ${Date.now() % 1000}`;
    const group = await api.create('groups', { name: groupName, section: 'beavers' });
    for (let i = 0; i < 40; i++) {
      const last = `Campeur-${String(i).padStart(2, '0')}`;
      await api.create('participants', { first_name: 'Jeune', last_name: last, group_id: group.id });
      names.push(`Jeune ${last}`);
    }
  });

  it('full group names, all present then exceptions, clear, the choice kept; taps and ms measured', async () => {
    const context = await campPhone(browser, 'fr-CA');
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await go(page, 'attendance');
    const groups = page.locator('[data-testid=roll-groups] button');
    const shown = (await groups.allTextContents()).map((s) => s.trim());
    for (const g of await api.list('groups')) expect(shown).toContain(String(g.name));
    // Each button shows its whole name: nothing cut at 375 px.
    for (const button of await groups.all())
      expect(await button.evaluate((b) => b.scrollWidth <= b.clientWidth + 1)).toBe(true);
    await page.locator('[data-testid=roll-legend]', { hasText: 'En retard' }).waitFor();

    let taps = 0;
    const started = Date.now();
    await groups.filter({ hasText: groupName }).tap();
    taps++;
    const rows = page.locator('[data-testid=roll-row]');
    await expect.poll(() => rows.count()).toBe(40);
    await page.locator('[data-testid=all-present]').tap();
    taps++;
    await expect.poll(() => rows.locator('.status-present[aria-pressed=true]').count()).toBe(40);
    for (const [i, status] of [
      [3, 'Absent'],
      [17, 'En retard'],
      [29, 'Excusé'],
    ] as const) {
      await page.getByRole('button', { name: `${status} : ${names[i]}`, exact: true }).tap();
      taps++;
    }
    await page.locator('[data-testid=roll-row][data-status=excused]').waitFor();
    await waitForSynced(page);
    const ms = Date.now() - started;
    const today = await page.evaluate(() => new Date().toLocaleDateString('en-CA'));
    const campers = new Set(
      (await api.list('participants'))
        .filter((p) => String(p.last_name).startsWith('Campeur-'))
        .map((p) => p.id),
    );
    const onServer = async () =>
      (await api.list('attendance', { date: today })).filter((a) => campers.has(a.participant_id));
    const stored = await onServer();
    expect(stored).toHaveLength(40);
    expect(stored.filter((a) => a.status === 'present')).toHaveLength(37);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(`${RESULTS}roll-call.json`, JSON.stringify({ children: 40, taps, ms }, null, 2));
    console.log(`| roll call, 40 children, all present + 3 exceptions | ${taps} taps | ${ms} ms |`);
    expect(taps).toBeLessThanOrEqual(5);
    expect(ms).toBeLessThan(60_000);
    await screenshot(page, 'roll-call-40');

    // Tapping a pressed status again clears it.
    const cleared = page.getByRole('button', { name: `Absent : ${names[3]}`, exact: true });
    await cleared.tap();
    await page.locator('[data-testid=roll-row][data-status=absent]').waitFor({ state: 'detached' });
    await waitForSynced(page);
    await expect.poll(async () => (await onServer()).length).toBe(39);

    // Another screen and back: the same group and date are still chosen.
    await go(page, 'honors');
    await go(page, 'attendance');
    expect(await groups.filter({ hasText: groupName }).getAttribute('aria-pressed')).toBe('true');
    await context.close();
  });

  for (const [lang, locale] of [
    ['fr', 'fr-CA'],
    ['en', 'en-CA'],
  ] as const) {
    it(`holds at 200% text: no sideways scroll, names whole, navigation labels not cut (${lang})`, async () => {
      const context = await campPhone(browser, locale, { textScale: 2 });
      await context.addInitScript((l: string) => localStorage.setItem('wampums.lang', l), lang);
      const page = await signIn(context, server.url, 'leader@pack-a.test');
      await go(page, 'attendance');
      await page.locator('[data-testid=roll-groups] button').filter({ hasText: groupName }).tap();
      await page.locator('[data-testid=roll-row]').first().waitFor();
      const layout = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        width: window.innerWidth,
        narrowNames: [...document.querySelectorAll('.roll-name')].filter((n) => n.clientWidth < 120).length,
        cutLabels: [...document.querySelectorAll('.bottom-nav a span:last-child')]
          .filter(
            (s) => s.scrollWidth > s.clientWidth + 1 || s.getBoundingClientRect().right > window.innerWidth,
          )
          .map((s) => s.textContent),
        wide: [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(0, 5)
          .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
      }));
      await screenshot(page, `roll-call-200-${lang}`);
      await page.locator('[data-testid=roll-row]').nth(1).scrollIntoViewIfNeeded();
      await screenshot(page, `roll-call-200-rows-${lang}`);
      expect(layout.scroll, layout.wide.join(', ')).toBeLessThanOrEqual(layout.width);
      expect(layout.narrowNames).toBe(0);
      expect(layout.cutLabels).toEqual([]);
      // The other main screens hold too.
      for (const screen of ['participants', 'honors', 'medication', 'more', 'badges', 'activities', 'sync']) {
        await go(page, screen);
        await page.waitForTimeout(200);
        const { width, wide } = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          wide: [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 4)
            .map((e) => `${e.tagName}.${e.className}`),
        }));
        if (width > 375) await screenshot(page, `wide-200-${screen}-${lang}`);
        expect(width, `#/${screen} at 200%: ${wide.join(', ')}`).toBeLessThanOrEqual(375);
      }
      await context.close();
    });
  }
});
