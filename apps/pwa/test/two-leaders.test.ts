import type { TestServer } from '@wampums/server/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import { go, phoneContext, screenshot, signIn, startApp, stopApp, syncNow } from './helpers/browser';

let server: TestServer;
let browser: Browser;
let api: Api;

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'admin@pack-a.test');
}, 120_000);

afterAll(() => stopApp({ server, browser }));

/** Edits one field of a form screen and saves. */
async function editField(page: Page, route: string, field: string, value: string): Promise<void> {
  await go(page, route);
  const input = page.locator(`[name=${field}]`);
  await input.waitFor();
  await input.fill(value);
  await page.click('[data-testid=save]');
  await page.locator('.alert-ok').waitFor();
}

describe('two leaders editing offline on two phones', () => {
  it('keeps both fields of a participant; a medication conflict goes to the inbox and the choice reaches both', async () => {
    const participant = (await api.list('participants'))[0]!;
    const requirement =
      (await api.list('medication_requirements'))[0] ??
      (await api.create('medication_requirements', {
        participant_id: participant.id,
        medication_name: 'Ventolin',
        frequency_times: ['08:00'],
      }));
    const [ctxA, ctxB] = await Promise.all([phoneContext(browser), phoneContext(browser)]);
    const [a, b] = await Promise.all([
      signIn(ctxA, server.url, 'leader@pack-a.test'),
      signIn(ctxB, server.url, 'admin@pack-a.test'),
    ]);
    await Promise.all([ctxA.setOffline(true), ctxB.setOffline(true)]);

    const notes = `Allergie aux arachides ${Date.now() % 1000}`;
    await editField(a, `participants/${participant.id}`, 'notes', notes);
    await editField(b, `participants/${participant.id}`, 'date_of_birth', '2014-03-09');
    await editField(a, `medication/${requirement.id}`, 'dosage_instructions', 'A : un comprimé au déjeuner');
    await editField(
      b,
      `medication/${requirement.id}`,
      'dosage_instructions',
      'B : deux bouffées avant le sport',
    );

    await ctxA.setOffline(false);
    await syncNow(a);
    await ctxB.setOffline(false);
    await b.locator('[data-testid=conflict-alert]').waitFor({ timeout: 30_000 });

    // Different fields of the participant: both kept, on the server. B's field arrives in the push
    // after the merge (its first attempt met A's newer row), so wait for it rather than racing it.
    await expect
      .poll(async () => (await api.get('participants', participant.id as number)).date_of_birth, {
        timeout: 30_000,
      })
      .toBe('2014-03-09');
    const merged = await api.get('participants', participant.id as number);
    expect(merged.notes).toBe(notes);

    // The medication requirement: B sees both versions side by side and chooses.
    await go(b, 'conflicts');
    const card = b.locator('[data-testid=conflict]');
    await card.waitFor();
    expect(await card.locator('td[data-side=local]').allTextContents()).toContain(
      'B : deux bouffées avant le sport',
    );
    expect(await card.locator('td[data-side=server]').allTextContents()).toContain(
      'A : un comprimé au déjeuner',
    );
    await screenshot(b, 'conflicts-inbox');
    await b.click('[data-testid=keep-mine]');
    await card.waitFor({ state: 'detached' });
    await syncNow(b);
    expect((await api.get('medication_requirements', requirement.id as number)).dosage_instructions).toBe(
      'B : deux bouffées avant le sport',
    );

    // A gets the chosen version; neither phone has a conflict left.
    await syncNow(a);
    await go(a, 'medication');
    await go(a, `medication/${requirement.id}`);
    await a.waitForFunction(
      () =>
        (document.querySelector('[name=dosage_instructions]') as HTMLTextAreaElement | null)?.value ===
        'B : deux bouffées avant le sport',
    );
    expect(await a.locator('[data-testid=conflict-alert]').count()).toBe(0);
    expect(await b.locator('[data-testid=conflict-alert]').count()).toBe(0);
    // And both phones show both participant fields.
    for (const page of [a, b]) {
      await go(page, 'participants');
      await go(page, `participants/${participant.id}`);
      await page.waitForFunction(
        (expected) =>
          (document.querySelector('[name=notes]') as HTMLTextAreaElement | null)?.value === expected &&
          (document.querySelector('[name=date_of_birth]') as HTMLInputElement | null)?.value === '2014-03-09',
        notes,
      );
    }
    await Promise.all([ctxA.close(), ctxB.close()]);
  });
});
