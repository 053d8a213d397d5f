import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '@wampums/server/testing';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../apps/pwa/test/helpers/browser';
import { freePort } from '../support/free-port';
import { installPackedExample, PACKAGES, REPO_ROOT } from './packed-project';

/**
 * "Done when" of docs/adopting.md: the example app, outside the workspace, installs the packed
 * packages, imports them from plain JavaScript, works offline in Chromium and syncs with its
 * server, which mounts the sync plugin.
 */
let app: { dir: string; tarballs: Record<string, string> };

beforeAll(() => {
  app = installPackedExample();
});

afterAll(() => {
  if (app) rmSync(join(app.dir, '..'), { recursive: true, force: true });
});

describe('the packed packages in an empty project', () => {
  it('install with their published metadata and import in Node, types included', () => {
    for (const name of PACKAGES) {
      const manifest = JSON.parse(
        readFileSync(join(app.dir, 'node_modules/@wampums', name, 'package.json'), 'utf8'),
      );
      expect(manifest.private, name).toBeUndefined();
      expect(manifest.license, name).toBe('MIT');
      expect(manifest.exports['.'].types, name).toBe('./dist/index.d.ts');
      // Declarations and source maps are in the tarball, tests are not.
      const listed = execFileSync('tar', ['-tzf', app.tarballs[`@wampums/${name}`] as string], {
        encoding: 'utf8',
      });
      expect(listed).toContain('package/dist/index.d.ts');
      expect(listed).toMatch(/package\/dist\/[\w-]+\.js\.map/);
      expect(listed).not.toMatch(/\.test\.ts/);
    }
    const script = `
      import * as schema from '@wampums/schema';
      import * as client from '@wampums/client';
      import * as server from '@wampums/server';
      import * as testing from '@wampums/server/testing';
      console.log(JSON.stringify({
        schema: [typeof schema.PROTOCOL_VERSION, Object.keys(schema.ENTITIES).length],
        client: [typeof client.openOfflineStore, client.offlineDbName({ organizationId: 1, userId: 2 })],
        server: [typeof server.wampumsSync, typeof server.createSyncCore, typeof server.migrate],
        testing: typeof testing.startTestServer,
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app.dir,
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({
      schema: ['number', 12],
      client: ['function', 'WampumsOfflineDB-org1-user2'],
      server: ['function', 'function', 'function'],
      testing: 'function',
    });
  });

  it('bundle into a service worker with a bundler', async () => {
    const entry = join(app.dir, 'sw-entry.js');
    writeFileSync(
      entry,
      `import { openOfflineStore } from '@wampums/client';
       const store = openOfflineStore({ baseUrl: self.location.origin, getToken: async () => null, autoSync: false });
       self.addEventListener('sync', (event) => event.waitUntil(store.then((s) => s.sync())));`,
    );
    await build({
      root: app.dir,
      configFile: false,
      logLevel: 'silent',
      build: {
        outDir: join(app.dir, 'sw-dist'),
        lib: { entry, formats: ['es'], fileName: 'sw' },
        target: 'es2022',
        minify: false,
      },
    });
    const bundled = readFileSync(join(app.dir, 'sw-dist/sw.js'), 'utf8');
    // The client, its schema and Dexie are all in the worker's one file; nothing is left to resolve.
    expect(bundled).toContain('WampumsOfflineDB');
    expect(bundled).not.toMatch(/from\s*["'](@wampums|dexie|zod)/);
  });
});

describe('the example app (plain JavaScript) with its server mounting the plugin', () => {
  let database: { url: string; drop(): Promise<void> };
  let server: ChildProcess | null = null;
  let url = '';
  let browser: Browser;
  const log: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const port = await freePort();
    server = spawn(process.execPath, ['server.js'], {
      cwd: app.dir,
      env: { ...process.env, DATABASE_URL: database.url, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stderr?.on('data', (chunk) => log.push(String(chunk)));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the example did not start:\n${log.join('')}`)),
        60_000,
      );
      server?.stdout?.on('data', (chunk) => {
        const match = /listening on (\S+)/.exec(String(chunk));
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/$/, ''));
        }
      });
      server?.once('exit', (code) => reject(new Error(`the example exited (${code}):\n${log.join('')}`)));
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      await new Promise((resolve) => {
        server?.once('exit', resolve);
        server?.kill('SIGTERM');
      });
    }
    await database?.drop();
  });

  it('keeps groups made offline through a reload, then syncs them to the server', async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 812 },
      hasTouch: true,
      isMobile: true,
      timezoneId: 'America/Toronto',
    });
    const page = await context.newPage();
    const status = page.locator('#status');
    await page.goto(url);
    await page.locator('#sign-in').tap();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('Online · all changes synced');
    // Once the service worker controls the page, a reload puts the page and its modules in its cache.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('Online · all changes synced');

    await context.setOffline(true);
    for (const name of ['Loups', 'Castors']) {
      await page.locator('#name').fill(name);
      await page.locator('#add button').tap();
    }
    await expect.poll(() => status.textContent()).toBe('Offline · 2 waiting to sync');
    await page.reload();
    await expect
      .poll(() => page.locator('#groups li').allTextContents(), { timeout: 30_000 })
      .toEqual(['Loups (not yet on the server)', 'Castors (not yet on the server)']);
    mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts/example-offline.png') });

    const rows = async () => {
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        return (
          await db.query(
            `SELECT g.name, o.name AS organization FROM groups g JOIN organizations o ON o.id = g.organization_id ORDER BY g.id`,
          )
        ).rows;
      } finally {
        await db.end();
      }
    };
    expect(await rows()).toEqual([]);

    await context.setOffline(false);
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe('Online · all changes synced');
    expect(await rows()).toEqual([
      { name: 'Loups', organization: 'Example unit' },
      { name: 'Castors', organization: 'Example unit' },
    ]);
    await expect
      .poll(() => page.locator('#groups li').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^Loups #\d+$/), expect.stringMatching(/^Castors #\d+$/)]);
    // The account's own database, named by organization and user.
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(names).toEqual([expect.stringMatching(/^WampumsOfflineDB-org\d+-user\d+$/)]);
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts/example-synced.png') });
    await context.close();
  });
});
