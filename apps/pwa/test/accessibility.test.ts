import type { TestServer } from '@wampums/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './helpers/axe';
import { go, screenshot, signIn, startApp, stopApp } from './helpers/browser';
import { campPhone } from './helpers/camp-phone';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp());
}, 120_000);

afterAll(async () => {
  await stopApp({ server, browser });
});

/** Every screen reachable from the navigation, and the sign-in again screen. */
const SCREENS = [
  'participants',
  'attendance',
  'honors',
  'medication',
  'more',
  'badges',
  'activities',
  'conflicts',
  'sync',
  'signin',
];

async function expectClean(page: Page, where: string): Promise<void> {
  const found = await seriousViolations(page);
  expect(found, `${where}: ${JSON.stringify(found, null, 1)}`).toEqual([]);
}

describe('axe-core finds no serious or critical WCAG 2.2 AA violation', () => {
  for (const [lang, email, locale] of [
    ['fr', 'admin@pack-a.test', 'fr-CA'],
    ['en', 'leader@pack-b.test', 'en-CA'],
  ] as const) {
    it(`on every screen, in ${lang}`, async () => {
      const context = await campPhone(browser, locale);
      const first = await context.newPage();
      await first.goto(server.url);
      await first.locator('input[name=email]').waitFor();
      await expectClean(first, `${lang} sign-in`);
      await first.close();
      const page = await signIn(context, server.url, email);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      for (const screen of SCREENS) {
        await go(page, screen);
        await page.waitForTimeout(300);
        await expectClean(page, `${lang} #/${screen}`);
      }
      // The roll call with statuses set: pressed buttons of every colour.
      await go(page, 'attendance');
      const rows = page.locator('[data-testid=roll-row]');
      await rows.first().waitFor();
      const statuses = ['present', 'absent', 'late', 'excused'];
      for (const [i, status] of statuses.entries()) {
        const row = rows.nth(i);
        if ((await row.count()) === 0) break;
        await row.locator(`.status-${status}`).tap();
        await row.locator(`.status-${status}[aria-pressed=true]`).waitFor();
      }
      await expectClean(page, `${lang} roll call with statuses`);
      // Offline, with a change kept on the phone: the offline pill and the info line.
      await context.setOffline(true);
      await rows.first().locator('.status-present').tap();
      await page.locator('[data-testid=offline-kept]').waitFor();
      await expectClean(page, `${lang} offline`);
      await context.setOffline(false);
      await screenshot(page, `a11y-attendance-${lang}`);
      await context.close();
    });
  }
});
