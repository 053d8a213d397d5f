import { type OfflineStore, openOfflineStore } from '@wampums/client';
import { createTestDatabase, TEST_JWT_SECRET } from '@wampums/server/testing';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/api';
import { freePort } from '../support/free-port';
import { Haproxy } from '../support/haproxy';
import { ServerProcess } from '../support/server-process';
import { sleep } from '../support/sleep';

/** What a device may meet while an instance dies: each is retried, none is an answer. */
const RETRIED = new Set([
  'network_error',
  'service_unavailable',
  'rate_limited',
  'internal_error',
  'invalid_response',
]);
const WRITERS = ['admin@pack-a.test', 'leader@pack-a.test', 'leader@pack-b.test'];
const DEVICES_PER_WRITER = 2;
const ROUNDS = 3;
const PER_ROUND = 150;

/**
 * Three server instances on one PostgreSQL database behind Debian's HAProxy (docs/server.md,
 * "Several instances"); the sync client of six devices pushes through the proxy while one
 * instance is killed (SIGKILL, in-flight transactions die with it) and started again. Devices
 * see only failures they retry; every change ends on the server exactly once.
 */
describe('several instances behind HAProxy, one killed and restarted under load', () => {
  let database: { url: string; drop(): Promise<void> };
  const instances: ServerProcess[] = [];
  let proxy: Haproxy;
  let sql: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 3; i++) {
      const instance = new ServerProcess({
        port: await freePort(),
        databaseUrl: database.url,
        jwtSecret: TEST_JWT_SECRET,
        seedDemo: i === 0,
        env: { PWA_DIR: '' },
      });
      // One after the other: the first migrates and seeds.
      await instance.start();
      instances.push(instance);
    }
    proxy = new Haproxy(
      await freePort(),
      instances.map((s) => Number(new URL(s.url).port)),
    );
    await proxy.start();
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
  }, 180_000);

  afterAll(async () => {
    await sql?.end().catch(() => {});
    await proxy?.stop();
    for (const instance of instances) await instance.stop();
    await database?.drop();
  });

  it('devices see only retries; nothing is lost or written twice', async () => {
    const devices: { store: OfflineStore; prefix: string; errors: string[] }[] = [];
    for (const [w, email] of WRITERS.entries()) {
      const session = await login(proxy.url, email);
      for (let d = 0; d < DEVICES_PER_WRITER; d++) {
        const store = await openOfflineStore({
          baseUrl: proxy.url,
          getToken: async () => session.token,
          user: { id: session.user.id, organizationId: session.user.organizationId },
          indexedDB: new IDBFactory(),
          IDBKeyRange,
          autoSync: false,
          eventSource: null,
          cacheStorage: null,
          backoff: { baseMs: 200, maxMs: 2000 },
        });
        devices.push({ store, prefix: `MI ${w}-${d}`, errors: [] });
      }
    }

    let finished = 0;
    const work = devices.map(async (device) => {
      for (let round = 0; round < ROUNDS; round++) {
        for (let n = 0; n < PER_ROUND; n++) {
          await device.store.create('groups', { name: `${device.prefix} ${round * PER_ROUND + n}` });
        }
        const deadline = Date.now() + 90_000;
        while (
          device.store.status.current.pendingCount > 0 ||
          (await device.store.outbox.list()).some((e) => e.status !== 'synced')
        ) {
          if (Date.now() > deadline) throw new Error(`${device.prefix}: changes still unsent after 90 s`);
          const report = await device.store.sync();
          if (report.error) device.errors.push(report.error.code);
          if (report.failed > 0) {
            for (const entry of await device.store.outbox.list()) {
              if (entry.status !== 'synced' && entry.lastError) device.errors.push(entry.lastError.code);
            }
          }
          await sleep(50);
        }
      }
      finished += 1;
    });

    // The kill lands in the middle of the load: once pushes reach the server, before the last.
    const expected = devices.length * ROUNDS * PER_ROUND;
    const landed = async () =>
      Number((await sql.query("SELECT count(*) AS n FROM groups WHERE name LIKE 'MI %'")).rows[0].n);
    for (const deadline = Date.now() + 60_000; (await landed()) === 0 && Date.now() < deadline; )
      await sleep(50);
    const before = await landed();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(expected);
    expect(finished).toBe(0);
    const victim = instances[1] as ServerProcess;
    await victim.kill();
    await sleep(1500);
    await victim.start();
    await Promise.all(work);

    // Requests in flight on the killed instance fail and are sent again (the proxy may also
    // redispatch them, so a device may see none): whatever a device saw, it only retried.
    const seen = devices.flatMap((d) => d.errors);
    for (const code of seen) expect(RETRIED.has(code), `a device saw ${code}`).toBe(true);

    const { rows } = await sql.query<{ name: string; id: number }>(
      "SELECT id, name FROM groups WHERE name LIKE 'MI %'",
    );
    expect(rows).toHaveLength(expected);
    expect(new Set(rows.map((r) => r.name)).size).toBe(expected);
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    // Each device holds its records under the server's ids, as the server holds them.
    for (const device of devices) {
      const local = (await device.store.query('groups')).filter((g) =>
        String(g.name).startsWith(`${device.prefix} `),
      );
      expect(local).toHaveLength(ROUNDS * PER_ROUND);
      for (const group of local) expect(byId.get(group.id as number)).toBe(group.name);
      const outbox = await device.store.outbox.list();
      expect(outbox.filter((e) => e.status !== 'synced')).toEqual([]);
      await device.store.close();
    }
    // The restarted instance serves again.
    const health = await fetch(`${victim.url}/api/v1/health`);
    expect(health.status).toBe(200);
  });
});
