import { startTestServer, type TestServer } from '@wampums/server/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startPageServer } from './harness';

let api: TestServer;
let pages: Awaited<ReturnType<typeof startPageServer>>;
const browser = new Browser();

beforeAll(async () => {
  api = await startTestServer({ backend: 'pglite' });
  pages = await startPageServer(api.url);
  await browser.launch();
}, 90_000);

afterAll(async () => {
  await browser.dispose();
  await pages?.close();
  await api?.close();
});

/** Opens the offline store in a page, with no server behind it (these tests never sync). */
async function openStore(page: Page, dbName: string) {
  await page.evaluate(async (name) => {
    const w = window as unknown as Record<string, unknown>;
    w.store = await window.client.openOfflineStore({
      baseUrl: 'http://127.0.0.1:9',
      getToken: async () => 'token',
      dbName: name,
      autoSync: false,
      eventSource: null,
      user: { id: 1, organizationId: 1 },
    });
  }, dbName);
}

describe('in Chromium', () => {
  it('keeps records and the outbox across a reload and a browser restart', async () => {
    let page = await browser.page(pages.url);
    await openStore(page, 'persist');
    const tempId = await page.evaluate(async () => {
      const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
      const kid = await store.create('participants', { first_name: 'Léa', last_name: 'Roy' });
      await store.create('attendance', { participant_id: kid.id, date: '2026-07-14', status: 'present' });
      return kid.id;
    });
    const read = (p: Page) =>
      p.evaluate(async (id) => {
        const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
        return {
          kid: (await store.get('participants', id))?.first_name,
          outbox: (await store.outbox.list()).map((e) => `${e.entityType}:${e.operation}:${e.status}`),
          pending: store.status.current.pendingCount,
        };
      }, tempId);
    const expected = {
      kid: 'Léa',
      outbox: ['participants:create:pending', 'attendance:create:pending'],
      pending: 2,
    };
    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    await openStore(page, 'persist');
    expect(await read(page)).toEqual(expected);

    await browser.close();
    await browser.launch();
    page = await browser.page(pages.url);
    await openStore(page, 'persist');
    expect(await read(page)).toEqual(expected);
    await page.close();
  }, 60_000);

  it('Web Locks: one tab syncs at a time, and a frozen tab loses the lock once its lease expires', async () => {
    const a = await browser.page(pages.url);
    const b = await browser.page(pages.url);
    const setup = (page: Page) =>
      page.evaluate(async () => {
        const { WampumsOfflineDB, createSyncLock, globalLocks, systemClock } = window.client;
        const db = new WampumsOfflineDB('locks');
        await db.open();
        const locks = globalLocks();
        if (!locks) throw new Error('no Web Locks');
        const w = window as unknown as Record<string, unknown>;
        w.lock = createSyncLock({ db, clock: systemClock, leaseMs: 3000, owner: crypto.randomUUID(), locks });
      });
    await setup(a);
    await setup(b);
    // Tab A takes the lock and works until its signal aborts.
    await a.evaluate(() => {
      const w = window as unknown as Record<string, unknown> & {
        lock: import('../../src/sync-lock').SyncLockProvider;
      };
      w.outcome = 'running';
      void w.lock.tryRun(
        (signal) =>
          new Promise<void>((resolve) => {
            signal.addEventListener('abort', () => {
              w.outcome = 'aborted';
              resolve();
            });
          }),
      );
    });
    const tryB = () =>
      b.evaluate(async () => {
        const w = window as unknown as { lock: import('../../src/sync-lock').SyncLockProvider };
        return (await w.lock.tryRun(async () => 'synced')).acquired;
      });
    expect(await tryB()).toBe(false);
    // Longer than the lease (3 s, generous: a loaded CI machine delays timers), so only renewals keep it.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await tryB()).toBe(false); // A is alive and renews its lease

    // Freeze tab A: its script stops running (no timer fires, so it cannot renew its lease),
    // while it still holds its Web Lock.
    const cdp = await a.context().newCDPSession(a);
    await cdp.send('Debugger.enable');
    await cdp.send('Debugger.pause');
    await new Promise((r) => setTimeout(r, 4500));
    expect(await tryB()).toBe(true); // the lease ran out: B took over
    await cdp.send('Debugger.resume');
    await a.waitForFunction(
      () => (window as unknown as { outcome: string }).outcome === 'aborted',
      undefined,
      {
        timeout: 5000,
      },
    );
    await a.close();
    await b.close();
  }, 60_000);

  it("counts another tab's writes, and never counts the outbox again after a tap of its own", async () => {
    const a = await browser.page(pages.url);
    const b = await browser.page(pages.url);
    await openStore(a, 'counts');
    await openStore(b, 'counts');
    // A tab that opens resets the entries a dead sync left in progress, which the other tab counts.
    await new Promise((r) => setTimeout(r, 1500));
    // Every outbox count is an IndexedDB `count` on the status index: watch them in each tab.
    const watchCounts = (page: Page) =>
      page.evaluate(() => {
        const w = window as unknown as { counts: number };
        w.counts = 0;
        const count = IDBIndex.prototype.count;
        IDBIndex.prototype.count = function (this: IDBIndex, ...args: Parameters<IDBIndex['count']>) {
          w.counts += 1;
          return count.apply(this, args);
        };
      });
    await watchCounts(a);
    await watchCounts(b);
    const tap = (page: Page, times: number) =>
      page.evaluate(async (n) => {
        const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
        for (let i = 0; i < n; i++) await store.create('groups', { name: `patrol ${i}` });
      }, times);
    const seen = (page: Page) =>
      page.evaluate(() => {
        const w = window as unknown as { counts: number; store: import('../../src/types').OfflineStore };
        return { pending: w.store.status.current.pendingCount, counts: w.counts };
      });

    const pendingIs = (page: Page, n: number) =>
      page.waitForFunction(
        (count) =>
          (window as unknown as { store: import('../../src/types').OfflineStore }).store.status.current
            .pendingCount === count,
        n,
        { timeout: 15_000 },
      );
    // Longer than a count waits for the outbox to be quiet (300 ms), or at most (1 s).
    const countWindow = () => new Promise((r) => setTimeout(r, 1500));

    await tap(a, 20);
    await pendingIs(b, 20); // the other tab counted
    await countWindow();
    const afterA = { a: await seen(a), b: await seen(b) };
    expect(afterA.a).toEqual({ pending: 20, counts: 0 }); // its own taps adjusted the count
    expect(afterA.b.counts).toBeGreaterThan(0);

    await tap(b, 5);
    await pendingIs(a, 25);
    await countWindow();
    expect((await seen(b)).counts).toBe(afterA.b.counts);
    expect((await seen(a)).counts).toBeGreaterThan(0);
    await a.close();
    await b.close();
  }, 60_000);

  it('a full disk: warns, keeps the outbox, fails the write with quota_exceeded, and writes again once freed', async () => {
    // A browser of its own: Chromium applies a quota override only to an origin whose storage
    // this browser has not used yet.
    const fresh = new Browser();
    await fresh.launch();
    const page = await fresh.page(pages.url);
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(pages.url).origin;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 512 * 1024 });
    await openStore(page, 'quota');
    await page.evaluate(async () => {
      const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
      await store.create('groups', { name: 'queued before the disk filled' });
    });
    const outcome = await page.evaluate(async () => {
      const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
      // Another database of the origin fills the disk (random bytes: Chromium compresses values).
      const filler = new window.client.WampumsOfflineDB('filler');
      await filler.open();
      let id = 0;
      for (const size of [32 * 1024, 4096, 512, 64]) {
        for (let i = 0; i < 100; i++) {
          try {
            await filler
              .table('groups')
              .put({ id: id++, blob: crypto.getRandomValues(new Uint8Array(size)) });
          } catch {
            break;
          }
        }
      }
      const result: Record<string, unknown> = {};
      try {
        await store.create('groups', { name: 'written on a full disk' });
        result.first = 'saved';
      } catch (error) {
        result.first = { name: (error as Error).name, code: (error as { code?: string }).code };
      }
      result.warning = store.status.current.quotaWarning;
      result.outbox = (await store.outbox.list()).map((e) => e.payload?.name);
      filler.close();
      return result;
    });
    // The user frees space: the next write goes through.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    Object.assign(
      outcome,
      await page.evaluate(async () => {
        const store = (window as unknown as { store: import('../../src/types').OfflineStore }).store;
        const second = (await store.create('groups', { name: 'after freeing space' })).name;
        return { second, outboxAfter: (await store.outbox.list()).length };
      }),
    );
    expect(outcome).toEqual({
      first: { name: 'OfflineStoreError', code: 'quota_exceeded' },
      warning: expect.stringMatching(/Storage is full/),
      outbox: ['queued before the disk filled'],
      second: 'after freeing space',
      outboxAfter: 2,
    });
    await fresh.dispose();
  }, 60_000);

  it('a service worker syncs the outbox the page wrote (one database, one outbox)', async () => {
    const token = await api.login('leader@pack-a.test');
    const page = await browser.page(pages.url);
    const result = await page.evaluate(async (accessToken) => {
      const store = await window.client.openOfflineStore({
        baseUrl: location.origin,
        getToken: async () => accessToken,
        dbName: 'sw-shared',
        autoSync: false,
        eventSource: null,
      });
      const group = await store.create('groups', { name: 'Synced by the worker' });
      const registration = await navigator.serviceWorker.register('/sw.ts', { type: 'module' });
      await navigator.serviceWorker.ready;
      const worker = registration.active;
      if (!worker) throw new Error('no active worker');
      const answer = await new Promise<{ report: Record<string, unknown>; context: string }>((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        worker.postMessage({ baseUrl: location.origin, token: accessToken }, [channel.port2]);
      });
      const after = await store.get('groups', group.id);
      const outbox = await store.outbox.list();
      await store.close();
      return { answer, tempId: group.id, serverId: after?.id, outbox: outbox.length };
    }, token);
    expect(result.answer.context).toBe('worker');
    expect(result.answer.report).toMatchObject({ pushed: 1, failed: 0, error: null });
    expect(typeof result.serverId).toBe('number');
    expect(result.outbox).toBe(0);
    const res = await fetch(`${api.apiUrl}/groups/${result.serverId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await res.json()) as { data: { name: string } }).data.name).toBe('Synced by the worker');
    await page.close();
  }, 60_000);
});
