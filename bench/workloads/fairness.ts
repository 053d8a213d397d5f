import { randomUUID } from 'node:crypto';
import { TEST_JWT_SECRET } from '@wampums/server/testing';
import { freePort } from '../../tests/support/free-port';
import { Haproxy } from '../../tests/support/haproxy';
import { ServerProcess } from '../../tests/support/server-process';
import { selected } from '../config';
import { quantile, type Spread } from '../lib/stats';
import { type BenchContext, NOT_RUN, spreadIfRun } from './context';
import {
  call,
  type DeviceOutcome,
  prepare,
  pushChanges,
  pushUntilAnswered,
  rowsLost,
  runDevice,
} from './load';

/**
 * B5's fairness rows (docs/server.md, "Load and fairness"): B5F, B5's clients while one more
 * organization floods; B5S, writes while hundreds of live streams of another organization are
 * open; B5M, B5's load through HAProxy to several instances against one instance.
 */
export interface FairnessFigures {
  flood: {
    pushes: number;
    changesPerPush: number;
    /** Others' p95 push latency with the flood, and the same load without it. */
    othersP95Ms: Spread;
    baselineP95Ms: Spread;
    healthP99Ms: Spread;
    /** Answers other than 200, 429 and 503, of anyone. */
    errors: number;
    /** 429/503 answers, waited out and sent again. */
    refused: number;
    rowsLost: number;
  };
  streams: { streams: number; withMs: Spread; withoutMs: Spread; errors: number };
  instances: {
    count: number;
    manyChangesPerSec: Spread;
    oneChangesPerSec: Spread;
    errors: number;
    rowsLost: number;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies of `GET /health` every 50 ms until `done()` holds. */
async function probeHealth(apiUrl: string, done: () => boolean): Promise<number[]> {
  const ms: number[] = [];
  while (!done()) {
    const t0 = performance.now();
    const res = await fetch(`${apiUrl}/health`);
    await res.body?.cancel();
    ms.push(res.status === 200 ? performance.now() - t0 : Number.POSITIVE_INFINITY);
    await sleep(50);
  }
  return ms;
}

async function runFlood(ctx: BenchContext): Promise<FairnessFigures['flood']> {
  const { config, db, server } = ctx;
  const base = { pushes: config.floodPushes, changesPerPush: config.floodChanges };
  if (!selected(config, 'B5F')) {
    return {
      ...base,
      othersP95Ms: NOT_RUN,
      baselineP95Ms: NOT_RUN,
      healthP99Ms: NOT_RUN,
      errors: 0,
      refused: 0,
      rowsLost: 0,
    };
  }
  const others: number[] = [];
  const baseline: number[] = [];
  const health: number[] = [];
  let errors = 0;
  let refused = 0;
  let lost = 0;
  for (let run = 0; run < config.runs; run++) {
    ctx.log(`B5F run ${run + 1}/${config.runs}: ${config.loadClients} clients without the flood`);
    const calm = await prepare(ctx, `fb${run}`);
    const calmOutcomes = await Promise.all(calm.devices.map(runDevice));
    baseline.push(
      quantile(
        calmOutcomes.flatMap((o) => o.pushMs),
        0.95,
      ),
    );
    errors += calmOutcomes.reduce((sum, o) => sum + o.errors.length, 0);
    lost += await rowsLost(ctx, calm.expected);

    ctx.log(
      `B5F run ${run + 1}/${config.runs}: the same with ${config.floodPushes} pushes of ${config.floodChanges} flooding`,
    );
    const load = await prepare(ctx, `ff${run}`);
    const org = await db.createOrganization(`flood-${run}-${Date.now()}`);
    const seeded = await db.seedCamp(org.organizationId, org.userId, 60);
    const templates = (seeded.badge_templates ?? []).map((t) => t.id);
    const token = await server.login(org.email);
    const floodExpected = await db.countRows(org.organizationId);
    const floodBatches = Array.from({ length: config.floodPushes }, (_, p) => {
      const changes = pushChanges(config.floodChanges, 9000 + p, templates);
      for (const change of changes) floodExpected[change.entityType as keyof typeof floodExpected] += 1;
      floodExpected.points += changes.filter((c) => c.entityType === 'honors').length;
      return changes;
    });
    load.expected.set(org.organizationId, floodExpected);
    const floodOutcome: DeviceOutcome = { pushMs: [], errors: [], refused: 0 };
    const flood = Promise.all(
      floodBatches.map((batch) =>
        pushUntilAnswered({ apiUrl: server.apiUrl, token, clientId: randomUUID() }, batch, floodOutcome),
      ),
    );
    let othersDone = false;
    const probe = probeHealth(server.apiUrl, () => othersDone);
    const outcomes = await Promise.all(load.devices.map(runDevice));
    othersDone = true;
    const healthMs = await probe;
    await flood;
    others.push(
      quantile(
        outcomes.flatMap((o) => o.pushMs),
        0.95,
      ),
    );
    health.push(quantile(healthMs, 0.99));
    errors += outcomes.reduce((sum, o) => sum + o.errors.length, 0) + floodOutcome.errors.length;
    refused += outcomes.reduce((sum, o) => sum + o.refused, 0) + floodOutcome.refused;
    lost += await rowsLost(ctx, load.expected);
  }
  return {
    ...base,
    othersP95Ms: spreadIfRun(others),
    baselineP95Ms: spreadIfRun(baseline),
    healthP99Ms: spreadIfRun(health),
    errors,
    refused,
    rowsLost: lost,
  };
}

/** Opens a live stream of `token` and reads it until `signal` aborts; resolves once it is open. */
async function openStream(apiUrl: string, token: string, signal: AbortSignal): Promise<void> {
  const ticket = await call({ apiUrl, token }, '/sync/events/ticket', {});
  if (ticket.status !== 200) throw new Error(`live ticket: HTTP ${ticket.status}`);
  const t = (ticket.json as { data: { ticket: string } }).data.ticket;
  const res = await fetch(`${apiUrl}/sync/events?ticket=${t}`, { signal });
  if (res.status !== 200) throw new Error(`live stream: HTTP ${res.status}`);
  const reader = res.body?.getReader();
  // Drained in the background, as a browser would, so that the server's writes never back up.
  void (async () => {
    try {
      for (;;) if ((await reader?.read())?.done !== false) return;
    } catch {
      // aborted
    }
  })();
}

async function runStreams(ctx: BenchContext): Promise<FairnessFigures['streams']> {
  const { config, db, server } = ctx;
  if (!selected(config, 'B5S'))
    return { streams: config.streams, withMs: NOT_RUN, withoutMs: NOT_RUN, errors: 0 };
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  let errors = 0;
  const perUser = 8;
  for (let run = 0; run < config.runs; run++) {
    const watched = await db.createOrganization(`streams-${run}-${Date.now()}`);
    const measured = await db.createOrganization(`writes-${run}-${Date.now()}`);
    const watchedToken = await server.login(watched.email);
    const measuredToken = await server.login(measured.email);
    // The watched organization's readers: a user holds at most 8 streams.
    const readers: string[] = [];
    for (let u = 0; u < Math.ceil(config.streams / perUser); u++) {
      const email = `reader-${run}-${u}-${watched.organizationId}@bench.test`;
      await db.pool.query(
        `INSERT INTO users (organization_id, email, name, role, password_hash)
         SELECT $1, $2, 'Reader', 'viewer', password_hash FROM users WHERE id = $3`,
        [watched.organizationId, email, watched.userId],
      );
      readers.push(await server.login(email));
    }
    const writer = { apiUrl: server.apiUrl, token: watchedToken, clientId: randomUUID() };
    const measuredDevice = { apiUrl: server.apiUrl, token: measuredToken, clientId: randomUUID() };
    const outcome: DeviceOutcome = { pushMs: [], errors: [], refused: 0 };
    /** The watched organization writes all along; the measured one's single-change pushes are timed. */
    const phase = async (n: number): Promise<number[]> => {
      let writing = true;
      const background = (async () => {
        while (writing) {
          await pushUntilAnswered(writer, pushChanges(1, 50_000 + n, []), outcome);
          await sleep(20);
        }
      })();
      const times: number[] = [];
      for (let i = 0; i < config.streamWrites; i++) {
        const t0 = performance.now();
        await pushUntilAnswered(measuredDevice, pushChanges(1, 60_000 + n * 1000 + i, []), outcome);
        times.push(performance.now() - t0);
      }
      writing = false;
      await background;
      return times;
    };
    ctx.log(`B5S run ${run + 1}/${config.runs}: writes with no stream open`);
    withoutMs.push(quantile(await phase(run * 2), 0.5));
    ctx.log(
      `B5S run ${run + 1}/${config.runs}: writes with ${config.streams} streams of another organization open`,
    );
    const controller = new AbortController();
    for (let s = 0; s < config.streams; s++) {
      await openStream(server.apiUrl, readers[Math.floor(s / perUser)] as string, controller.signal);
    }
    withMs.push(quantile(await phase(run * 2 + 1), 0.5));
    controller.abort();
    errors += outcome.errors.length;
    await sleep(500);
  }
  return { streams: config.streams, withMs: spreadIfRun(withMs), withoutMs: spreadIfRun(withoutMs), errors };
}

async function runInstances(ctx: BenchContext): Promise<FairnessFigures['instances']> {
  const { config, server } = ctx;
  const count = config.instances;
  if (!selected(config, 'B5M')) {
    return { count, manyChangesPerSec: NOT_RUN, oneChangesPerSec: NOT_RUN, errors: 0, rowsLost: 0 };
  }
  if (!server.databaseUrl) throw new Error('B5M needs the bench server on PostgreSQL');
  const processes: ServerProcess[] = [];
  const proxies: Haproxy[] = [];
  const many: number[] = [];
  const one: number[] = [];
  let errors = 0;
  let lost = 0;
  try {
    for (let i = 0; i < count; i++) {
      const instance = new ServerProcess({
        port: await freePort(),
        databaseUrl: server.databaseUrl,
        jwtSecret: TEST_JWT_SECRET,
        seedDemo: false,
        env: { PWA_DIR: '', RATE_LIMIT_MAX: '0' },
      });
      await instance.start();
      processes.push(instance);
    }
    const ports = processes.map((p) => Number(new URL(p.url).port));
    // The same proxy in both rows: one backend, then every one.
    const single = new Haproxy(await freePort(), ports.slice(0, 1));
    const all = new Haproxy(await freePort(), ports);
    for (const proxy of [single, all]) {
      await proxy.start();
      proxies.push(proxy);
    }
    const changes = config.loadClients * config.loadChangesPerClient;
    for (let run = 0; run < config.runs; run++) {
      for (const [proxy, into] of [
        [single, one],
        [all, many],
      ] as const) {
        const which = proxy === single ? 1 : count;
        ctx.log(
          `B5M run ${run + 1}/${config.runs}: ${config.loadClients} clients through HAProxy to ${which} instance(s)`,
        );
        const load = await prepare(ctx, `m${which}-${run}`, `${proxy.url}/api/v1`);
        const t0 = performance.now();
        const outcomes = await Promise.all(load.devices.map(runDevice));
        into.push((changes / (performance.now() - t0)) * 1000);
        errors += outcomes.reduce((sum, o) => sum + o.errors.length, 0);
        lost += await rowsLost(ctx, load.expected);
      }
    }
  } finally {
    for (const proxy of proxies) await proxy.stop();
    for (const instance of processes) await instance.stop();
  }
  return {
    count,
    manyChangesPerSec: spreadIfRun(many),
    oneChangesPerSec: spreadIfRun(one),
    errors,
    rowsLost: lost,
  };
}

export async function runFairness(ctx: BenchContext): Promise<FairnessFigures> {
  return { flood: await runFlood(ctx), streams: await runStreams(ctx), instances: await runInstances(ctx) };
}
