import { dayInZone, doseHistoryOf, instantInZone, timeInZone } from '@wampums/schema';
import type { TestServer } from '@wampums/server/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from './helpers/api';
import { go, screenshot, signIn, startApp, stopApp, syncNow } from './helpers/browser';

// Medication at camp (docs/domain.md): the unit's clock on every phone, every dose visible,
// never a silent double dose. The demo organization's clock is America/Toronto.

const UNIT_ZONE = 'America/Toronto';

let server: TestServer;
let browser: Browser;
let api: Api;

beforeAll(async () => {
  ({ server, browser } = await startApp());
  api = await Api.signIn(server.apiUrl, 'admin@pack-a.test');
}, 120_000);

afterAll(() => stopApp({ server, browser }));

/** A phone in `timezoneId`, 375x812 with touch. */
function phone(timezoneId: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    hasTouch: true,
    locale: 'fr-CA',
    timezoneId,
  });
}

/** A child with a medication at 07:30 and 19:00 on the unit's clock, from today on. */
async function childWithMedication(firstName: string) {
  const today = dayInZone(Date.now(), UNIT_ZONE);
  const child = await api.create('participants', { first_name: firstName, last_name: 'Fuseau' });
  const requirement = await api.create('medication_requirements', {
    participant_id: child.id,
    medication_name: `Concerta ${firstName}`,
    frequency_times: ['07:30', '19:00'],
    start_date: today,
  });
  return {
    child,
    requirement,
    morning: instantInZone(today, '07:30', UNIT_ZONE),
    evening: instantInZone(today, '19:00', UNIT_ZONE),
    afternoon: instantInZone(today, '14:10', UNIT_ZONE),
  };
}

async function dosesOf(requirementId: unknown, slot: string) {
  const rows = await api.list('medication_distributions', {
    medication_requirement_id: String(requirementId),
  });
  return rows.filter((d) => Date.parse(String(d.scheduled_for)) === Date.parse(slot));
}

/** The row of one child's slot (the demo children have slots at the same times). */
function slotRow(page: Page, slot: string, child: string) {
  return page.locator(`[data-testid=dose-row][data-slot="${slot}"]`, { hasText: `${child} Fuseau` });
}

describe.each(['America/Toronto', 'Europe/Paris'])('the care screen on a phone in %s', (zone) => {
  it('shows a dose given on the server as given, never records a second one, lists a dose outside any slot and an as-needed one with its last dose', async () => {
    const firstName = zone === UNIT_ZONE ? 'Samuel' : 'Samia';
    const { child, requirement, morning, evening, afternoon } = await childWithMedication(firstName);
    // The server already holds this morning's dose, given at 07:34, and a dose at 14:10.
    await api.create('medication_distributions', {
      medication_requirement_id: requirement.id,
      participant_id: child.id,
      scheduled_for: morning,
      status: 'given',
      administered_at: new Date(Date.parse(morning) + 4 * 60_000).toISOString(),
      witness_name: 'Chloé',
    });
    await api.create('medication_distributions', {
      medication_requirement_id: requirement.id,
      participant_id: child.id,
      scheduled_for: afternoon,
      status: 'given',
      administered_at: afternoon,
    });

    await api.create('medication_requirements', {
      participant_id: child.id,
      medication_name: `Ventolin ${firstName}`,
      frequency_times: [],
    });

    const context = await phone(zone);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await go(page, 'medication');
    // The unit's times on every phone; the phone in Paris is told so.
    expect(await page.locator('[data-testid=zone-note]').count()).toBe(zone === UNIT_ZONE ? 0 : 1);
    const morningRow = slotRow(page, morning, firstName);
    await morningRow.waitFor();
    expect(await morningRow.locator('.dose-time').textContent()).toBe('07:30');
    expect(await morningRow.locator('[data-testid=dose-status]').textContent()).toBe('Donné');
    expect(await morningRow.locator('[data-testid=dose-record]').textContent()).toContain('07:34');
    expect(await morningRow.locator('[data-testid=dose-given]').count()).toBe(0);
    // The 14:10 dose matches no slot and is listed all the same.
    const other = page.locator('[data-testid=other-dose]', { hasText: `${firstName} Fuseau` });
    await other.waitFor();
    expect(await other.locator('.dose-time').textContent()).toBe('14:10');

    // Tonight's dose: one tap gives it; the slot then offers a correction only.
    const eveningRow = slotRow(page, evening, firstName);
    expect(await eveningRow.locator('.dose-time').textContent()).toBe('19:00');
    await eveningRow.locator('input[name=witness_name]').fill('Léo');
    // The screen has been open a while: the dose is recorded at the tap, not at the opening.
    await page.waitForTimeout(1500);
    const beforeTap = Date.now();
    await eveningRow.locator('[data-testid=dose-given]').tap();
    const afterTap = Date.now();
    await eveningRow.locator('[data-testid=dose-status]', { hasText: 'Donné' }).waitFor();
    expect(await eveningRow.locator('[data-testid=dose-given]').count()).toBe(0);
    await screenshot(page, `care-${zone.replace('/', '-')}`);
    await syncNow(page);
    await page.reload();
    await go(page, 'medication');
    await slotRow(page, evening, firstName).locator('[data-testid=dose-correct]').waitFor();
    expect(await slotRow(page, evening, firstName).locator('[data-testid=dose-given]').count()).toBe(0);

    const evenings = await dosesOf(requirement.id, evening);
    expect(evenings).toHaveLength(1);
    expect(evenings[0]).toMatchObject({ status: 'given', witness_name: 'Léo' });
    const givenAt = Date.parse(String(evenings[0]?.administered_at));
    // Recorded on the clock corrected by the server's measured offset (docs/sync-protocol.md,
    // "Edit times"): on one machine that offset is a few milliseconds of measuring noise.
    const noise = 1000;
    expect(givenAt).toBeGreaterThanOrEqual(beforeTap - noise);
    expect(givenAt).toBeLessThanOrEqual(afterTap + noise);
    expect(await dosesOf(requirement.id, morning)).toHaveLength(1);

    // An as-needed medication: given at any time, then shown with its last dose on the unit's clock.
    const asNeeded = page.locator('[data-testid=as-needed-row]', { hasText: `Ventolin ${firstName}` });
    expect(await asNeeded.locator('[data-testid=last-given]').textContent()).toBe('Pas encore donné.');
    await asNeeded.locator('[data-testid=dose-given]').tap();
    const tapped = Date.now();
    await asNeeded.locator('[data-testid=last-given]', { hasText: 'Dernière dose' }).waitFor();
    const shown = (await asNeeded.locator('[data-testid=last-given]').textContent()) ?? '';
    // The day in words of the page's language (`Intl`), on the unit's clock: never a raw ISO date.
    const day = (at: number) =>
      new Intl.DateTimeFormat('fr-CA', { dateStyle: 'medium', timeZone: UNIT_ZONE }).format(at);
    const expected = `${day(tapped)} ${timeInZone(tapped, UNIT_ZONE)}`;
    const justBefore = `${day(tapped - 60_000)} ${timeInZone(tapped - 60_000, UNIT_ZONE)}`;
    expect([`Dernière dose : ${expected}`, `Dernière dose : ${justBefore}`]).toContain(shown);
    await context.close();
  });
});

describe('two leaders offline give the same dose', () => {
  it('keeps one given record on the server and puts a possible double dose in both inboxes', async () => {
    const { requirement, evening } = await childWithMedication('Double');
    const [ctxA, ctxB] = await Promise.all([phone(UNIT_ZONE), phone(UNIT_ZONE)]);
    const [a, b] = await Promise.all([
      signIn(ctxA, server.url, 'leader@pack-a.test'),
      signIn(ctxB, server.url, 'admin@pack-a.test'),
    ]);
    await Promise.all([go(a, 'medication'), go(b, 'medication')]);
    await Promise.all([ctxA.setOffline(true), ctxB.setOffline(true)]);
    for (const [page, witness] of [
      [a, 'Témoin A'],
      [b, 'Témoin B'],
    ] as const) {
      const row = slotRow(page, evening, 'Double');
      await row.locator('input[name=witness_name]').fill(witness);
      await row.locator('[data-testid=dose-given]').tap();
      await row.locator('[data-testid=dose-status]', { hasText: 'Donné' }).waitFor();
    }

    await ctxA.setOffline(false);
    await syncNow(a);
    await ctxB.setOffline(false);
    await syncNow(b);
    await syncNow(a);

    const rows = await dosesOf(requirement.id, evening);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('given');
    const reports = doseHistoryOf(rows[0]).filter((e) => e.kind === 'double_dose');
    expect(reports).toHaveLength(1);

    for (const page of [a, b]) {
      await page.locator('[data-testid=double-dose-alert]').waitFor({ timeout: 30_000 });
      await go(page, 'conflicts');
      const item = page.locator('[data-testid=double-dose-item]', { hasText: 'Double Fuseau' });
      await item.waitFor();
      const text = (await item.textContent()) ?? '';
      expect(text).toContain('Mathieu Gagnon');
      expect(text).toContain('Geneviève Tremblay');
      expect(text).toContain('19:00');
    }
    await screenshot(b, 'double-dose-inbox');
    // Checked on one phone, it stays in the other's inbox until checked there too.
    await b.locator('[data-testid=double-dose-item]', { hasText: 'Double Fuseau' }).locator('button').tap();
    await b
      .locator('[data-testid=double-dose-item]', { hasText: 'Double Fuseau' })
      .waitFor({ state: 'detached' });
    expect(await a.locator('[data-testid=double-dose-item]', { hasText: 'Double Fuseau' }).count()).toBe(1);
    await Promise.all([ctxA.close(), ctxB.close()]);
  });
});

describe('a dose recorded offline for a medication deleted meanwhile', () => {
  it('is kept on the phone for a person: listed, and refused with its reason, never dropped', async () => {
    const { requirement, evening } = await childWithMedication('Orphelin');
    const context = await phone(UNIT_ZONE);
    const page = await signIn(context, server.url, 'leader@pack-a.test');
    await go(page, 'medication');
    await context.setOffline(true);
    const row = slotRow(page, evening, 'Orphelin');
    await row.locator('input[name=witness_name]').fill('Témoin O');
    await row.locator('[data-testid=dose-given]').tap();
    await row.locator('[data-testid=dose-status]', { hasText: 'Donné' }).waitFor();
    // Meanwhile another leader deletes the medication on the server.
    const admin = await fetch(`${server.apiUrl}/medication_requirements/${String(requirement.id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await tokenOf('admin@pack-a.test')}` },
    });
    expect(admin.status).toBe(200);

    await context.setOffline(false);
    await page.click('[data-testid=sync-now]');
    // Refused, with its reason, and still there: in the outbox and on the care screen.
    await page.locator('.status .alert-error', { hasText: 'refusé' }).waitFor({ timeout: 30_000 });
    const other = page.locator('[data-testid=other-dose]', { hasText: 'Orphelin Fuseau' });
    await other.waitFor();
    expect(await other.textContent()).toContain('Témoin O');
    await screenshot(page, 'dose-of-deleted-medication');
    expect(await dosesOf(requirement.id, evening)).toHaveLength(0);
    await context.close();
  });
});

async function tokenOf(email: string): Promise<string> {
  const response = await fetch(`${server.apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'offline-first' }),
  });
  return ((await response.json()) as { data: { token: string } }).data.token;
}
