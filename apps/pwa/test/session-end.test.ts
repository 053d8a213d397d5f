import type { TestServer } from '@wampums/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  go,
  PASSWORD,
  phoneContext,
  screenshot,
  startApp,
  stopApp,
  waitForPending,
  waitForSynced,
} from './helpers/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  ({ server, browser } = await startApp({ backend: 'pglite' }));
}, 120_000);

afterAll(() => stopApp({ server, browser }));

async function signInOnForm(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('form button[type=submit]');
}

describe('sessions ended by the server', () => {
  it('says why the session ended and keeps the waiting change until the leader signs in again', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await signInOnForm(page, 'leader@pack-a.test');
    await page.locator('[data-testid=connectivity]').waitFor({ timeout: 20_000 });
    await waitForSynced(page);

    // An admin changes Mathieu's role: every session of his ends.
    await server.database.query("UPDATE users SET role = 'admin' WHERE email = 'leader@pack-a.test'");
    await go(page, 'attendance');
    await page.locator('.toolbar select').selectOption({ index: 0 });
    const row = page.locator('[data-testid=roll-row]').first();
    await row.waitFor();
    const target = (await row.locator('button[aria-pressed=true]').count()) > 0 ? 'Absent' : 'Présent';
    await row.locator(`button[title="${target}"]`).click();
    const alert = page.locator('[data-testid=session-expired]');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('Votre rôle a été changé.');
    expect(await alert.textContent()).toContain('vos 1 modification(s) en attente sont conservée(s)');
    await waitForPending(page, 1);
    await screenshot(page, 'session-ended');

    await alert.click();
    await page.locator('[data-testid=session-ended]', { hasText: 'Votre rôle a été changé.' }).waitFor();
    await signInOnForm(page, 'leader@pack-a.test');
    await waitForSynced(page);
    await context.close();
  });

  it('tells when a throttled sign-in may try again', async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    for (let i = 0; i < 5; i++) {
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await signInOnForm(page, 'viewer@pack-a.test', `wrong-${i}`);
      expect((await answered).status()).toBe(401);
      await page.locator('[role=alert]', { hasText: 'Courriel ou mot de passe incorrect.' }).waitFor();
    }
    await signInOnForm(page, 'viewer@pack-a.test', PASSWORD);
    await page.locator('[role=alert]', { hasText: 'Trop de connexions échouées. Réessayez à' }).waitFor();
    await context.close();
  });
});
