import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pruneChangeLog } from '@wampums/server';
import { createTestDatabase, startTestServer, type TestServer } from '@wampums/server/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openOfflineStore } from '../src/open-offline-store';
import { readSyncState } from '../src/sync-state';
import type { OfflineStore } from '../src/types';
import { fakeIdb } from './helpers';

const run = promisify(execFile);
type Session = { token: string; user: { id: number; organizationId: number; name: string } };
type Row = Record<string, unknown> & { id: number };

/**
 * Every server-side reset ends with the device converged by itself, its waiting changes kept
 * (docs/sync-protocol.md, "Recovery"): a rotated secret, a database restored from a backup, a
 * pruned change log. One PostgreSQL database per test, servers restarted on it as an operator
 * would; the device reaches whichever server is current.
 */
describe('recovery from server-side resets (postgres)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  let current: TestServer;
  let session: Session;
  let store: OfflineStore | null = null;

  afterEach(async () => {
    await store?.close();
    store = null;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function start(databaseUrl: string, jwtSecret: string, seedDemo: boolean): Promise<TestServer> {
    const server = await startTestServer({ databaseUrl, jwtSecret, seedDemo });
    cleanups.push(() => server.close());
    current = server;
    return server;
  }

  async function signIn(): Promise<Session> {
    const res = await fetch(`${current.apiUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'leader@pack-a.test', password: 'offline-first' }),
    });
    session = ((await res.json()) as { data: Session }).data;
    return session;
  }

  /** Someone else's write on the current server (another leader's phone). */
  async function elsewhere(first: string): Promise<void> {
    const res = await fetch(`${current.apiUrl}/participants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: first, last_name: 'Elsewhere' }),
    });
    expect(res.status).toBe(201);
  }

  async function openDevice(): Promise<OfflineStore> {
    store = await openOfflineStore({
      // The device knows one address; it reaches whichever server runs now.
      baseUrl: 'http://camp.test',
      fetch: (input, init) => fetch(String(input).replace('http://camp.test', current.url), init),
      getToken: async () => session.token,
      user: session.user,
      ...fakeIdb(),
      autoSync: false,
      eventSource: null,
    });
    return store;
  }

  async function offlineChange(device: OfflineStore, first: string): Promise<void> {
    await device.create('participants', { first_name: first, last_name: 'Offline', group_id: null });
  }

  /** The device holds exactly the server's participants, and nothing waits. */
  async function expectConverged(device: OfflineStore, names: string[]): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const report = await device.sync();
      expect(report.error).toBeNull();
      const res = await fetch(`${current.apiUrl}/participants?limit=1000`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      const onServer = ((await res.json()) as { data: Row[] }).data
        .map((p) => `${p.id}:${p.first_name}`)
        .sort();
      const onDevice = (await device.db.entity('participants').toArray())
        .map((p) => `${p.id}:${p.first_name}`)
        .sort();
      if (
        (onServer.join() === onDevice.join() && device.status.current.pendingCount === 0) ||
        Date.now() > deadline
      ) {
        expect(onDevice).toEqual(onServer);
        expect(device.status.current.pendingCount).toBe(0);
        for (const name of names) expect(onServer.some((p) => p.endsWith(`:${name}`))).toBe(true);
        return;
      }
      // PostgreSQL shows a commit to a pull once every older transaction ended.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('a rotated secret: the cursor signed before it starts a full refresh, waiting changes sent', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const first = await start(db.url, 'the-secret-before-rotation-0001', true);
    await signIn();
    const device = await openDevice();
    expect((await device.sync()).error).toBeNull();
    await offlineChange(device, 'WaitedThroughRotation');
    await first.close();
    await start(db.url, 'the-secret-after-rotation-00002', false);
    await signIn(); // tokens of the old secret are no longer valid
    await elsewhere('AfterRotation');
    await expectConverged(device, ['WaitedThroughRotation', 'AfterRotation']);
    expect((await readSyncState(device.db)).lastFullRefresh?.reason).toBe('unverified');
  }, 120_000);

  it('a database restored from a backup: a cursor from after the backup starts a full refresh, waiting changes sent', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const secret = 'the-one-secret-of-this-server-003';
    const first = await start(db.url, secret, true);
    await signIn();
    const device = await openDevice();
    expect((await device.sync()).error).toBeNull();
    const dir = await mkdtemp(join(tmpdir(), 'wampums-backup-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const backup = join(dir, 'backup.dump');
    await run('pg_dump', ['--no-owner', '-Fc', '-d', db.url, '-f', backup]);
    // After the backup: the device syncs changes the restored database will never have had.
    await elsewhere('LostInRestore');
    await expectConverged(device, ['LostInRestore']);
    await offlineChange(device, 'WaitedThroughRestore');
    await first.close();

    const restored = await createTestDatabase();
    cleanups.push(() => restored.drop());
    await run('pg_restore', ['--no-owner', '-d', restored.url, backup]);
    await start(restored.url, secret, false);
    await signIn();
    await elsewhere('AfterRestore');
    await expectConverged(device, ['WaitedThroughRestore', 'AfterRestore']);
    expect(
      (await device.db.entity('participants').toArray()).some((p) => p.first_name === 'LostInRestore'),
    ).toBe(false);
    expect((await readSyncState(device.db)).lastFullRefresh?.reason).toBe('unknown_position');
  }, 120_000);

  it('a pruned change log: the cursor from before the horizon starts a full refresh, waiting changes sent', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const server = await start(db.url, 'the-one-secret-of-this-server-004', true);
    await signIn();
    const device = await openDevice();
    expect((await device.sync()).error).toBeNull();
    await elsewhere('BeforePrune');
    await offlineChange(device, 'WaitedThroughPrune');
    await pruneChangeLog(server.database, new Date(Date.now() + 60_000));
    await expectConverged(device, ['BeforePrune', 'WaitedThroughPrune']);
    expect((await readSyncState(device.db)).lastFullRefresh?.reason).toBe('expired');
  }, 120_000);
});
