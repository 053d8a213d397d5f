import type { TestServer } from '@wampums/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { go, phoneContext, screenshot, signIn, startApp, stopApp } from './helpers/browser';

// A phone whose clock is set wrong (docs/architecture.md, section 5): the app warns its leader,
// in the unit's language, and still records today's date as the server sees it.

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp());
}, 120_000);

afterAll(() => stopApp({ server, browser }));

const HOUR = 3_600_000;

/** `YYYY-MM-DD` of an instant in this machine's zone (the browser's too: no zone is set). */
function dayOf(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

async function phoneWithClock(email: string, skewMs: number) {
  const context = await phoneContext(browser, { serviceWorkers: 'block' });
  // The page's clock runs on from a wrong time, as a phone set wrong would.
  if (skewMs !== 0) await context.clock.install({ time: Date.now() + skewMs });
  const page = await signIn(context, server.url, email);
  return { context, page };
}

describe('a phone clock set wrong', () => {
  it('a phone a day ahead: warned in French, and the roll call opens on the server’s today', async () => {
    const { context, page } = await phoneWithClock('leader@pack-a.test', 26 * HOUR);
    const warning = page.locator('[data-testid=clock-warning]');
    await expect
      .poll(() => warning.textContent(), { timeout: 20_000 })
      .toMatch(/avance d’environ 15\d\d min/);
    await go(page, 'attendance');
    expect(await page.locator('input[type=date]').first().inputValue()).toBe(dayOf(Date.now()));
    await screenshot(page, 'clock-warning-fr');
    await context.close();
  }, 60_000);

  it('a phone two hours behind: warned in English', async () => {
    const { context, page } = await phoneWithClock('leader@pack-b.test', -2 * HOUR);
    const warning = page.locator('[data-testid=clock-warning]');
    await expect.poll(() => warning.textContent(), { timeout: 20_000 }).toMatch(/about 1[12]\d min behind/);
    await context.close();
  }, 60_000);

  it('a phone on time: no warning', async () => {
    const { context, page } = await phoneWithClock('admin@pack-a.test', 0);
    await go(page, 'attendance');
    expect(await page.locator('[data-testid=clock-warning]').count()).toBe(0);
    await context.close();
  }, 60_000);
});
