import type { TestServer } from '@wampums/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopApp } from '../../apps/pwa/test/helpers/browser';
import { api, login } from '../support/api';

const HOSTILE = '<img src=x onerror=window.__xss=1>';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp({ backend: 'pglite' }));
}, 120_000);

afterAll(() => stopApp({ server, browser }));

describe('text from the server is shown as text in the PWA', () => {
  it(`a participant named ${HOSTILE} shows as text and runs nothing`, async () => {
    const leader = await login(server.url, 'leader@pack-a.test');
    for (const [type, body] of [
      ['groups', { name: HOSTILE }],
      ['participants', { first_name: HOSTILE, last_name: `<script>window.__xss=2</script>Roy` }],
    ] as const) {
      const res = await api(server.url, `/${type}`, { method: 'POST', token: leader.token, body });
      expect(res.status).toBe(201);
    }
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      locale: 'fr-CA',
      serviceWorkers: 'block',
    });
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await page.fill('input[name=email]', 'leader@pack-a.test');
      await page.fill('input[name=password]', 'offline-first');
      await page.click('button[type=submit]');
      await page.locator('[data-testid=connectivity]').waitFor();
      await page.evaluate(() => {
        location.hash = '#/participants';
      });
      await page.getByText(HOSTILE, { exact: false }).first().waitFor({ timeout: 30_000 });
      expect(await page.locator('img[src=x]').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
      await page.evaluate(() => {
        location.hash = '#/more';
      });
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    } finally {
      await context.close();
    }
  });
});
