import { ENTITY_TYPES, type EntityType } from '@wampums/schema';
import { offlineWork, resolveRefs } from '../datasets/offline-work';
import { openBenchPage, openPeerPage } from '../lib/bench-page';
import { type Spread, spread } from '../lib/stats';
import { type BenchContext, check } from './context';

/** B2 and its half of B7: a week of offline work drained to the server. */
export interface PushFigures {
  changes: number;
  oursMs: Spread;
  oursChangesPerSec: Spread;
  oursRequests: Spread;
  oursPushRequests: Spread;
  maxRequests: number;
  oursLongTaskMaxMs: Spread;
  limitMs: Spread;
  limitIdbMs: Spread;
  limitPgMs: Spread;
  peerMs: Spread;
  peerRequests: Spread;
  peerLongTaskMaxMs: Spread;
}

/** Rows the server must hold after the work: one per create, plus the points of each honor. */
function expectedRows(types: EntityType[]): Record<EntityType, number> {
  const expected = Object.fromEntries(ENTITY_TYPES.map((t) => [t, 0])) as Record<EntityType, number>;
  for (const type of types) expected[type] += 1;
  expected.points += expected.honors;
  return expected;
}

export async function runPush(ctx: BenchContext): Promise<PushFigures> {
  const { config, server, db, peer } = ctx;
  const page = await openBenchPage(ctx.browser, server.url);
  const peerPage = await openPeerPage(ctx.browser, peer.origin);
  const runs: {
    ms: number;
    requests: number;
    pushRequests: number;
    longTask: number;
    idb: number;
    pg: number;
    peer: number;
    peerRequests: number;
    peerLongTask: number;
  }[] = [];
  for (let run = 0; run < config.pushRuns; run++) {
    // A fresh organization per run: the device's first sync stays small and runs never collide.
    const org = await db.createOrganization(`push-${run}-${Date.now()}`);
    const base = await db.seedCamp(org.organizationId, org.userId, 60);
    const before = await db.countRows(org.organizationId);
    const templates = (base.badge_templates ?? []).map((t) => t.id);
    const ops = offlineWork(config.changes, run, templates);
    const session = {
      baseUrl: server.url,
      token: await server.login(org.email),
      user: { id: org.userId, organizationId: org.organizationId },
      pushBatchSize: config.pushBatchSize,
      pullPageSize: config.pullPageSize,
    };

    ctx.log(`B2 run ${run + 1}/${config.pushRuns}: ${ops.length} changes made offline`);
    const setup = await page.call('oursOfflineWork', session, ops);
    check(setup.outbox === ops.length, `the outbox holds ${setup.outbox} of ${ops.length} changes`);
    await page.call('collectGarbage');
    ctx.log(`B2 run ${run + 1}/${config.pushRuns}: draining`);
    const drained = await page.call('oursDrain');
    check(drained.left === 0, `${drained.left} changes left unsent`);
    check(drained.rows === ops.length, `${drained.rows} of ${ops.length} changes synced`);
    const after = await db.countRows(org.organizationId);
    const expected = expectedRows(ops.map((op) => op.type));
    for (const type of ENTITY_TYPES) {
      check(
        after[type] - before[type] === expected[type],
        `${type}: ${after[type] - before[type]} rows on the server, expected ${expected[type]}`,
      );
    }
    await page.call('oursClose');

    ctx.log(`B2 run ${run + 1}/${config.pushRuns}: limit`);
    const index = new Map(ops.map((op, i) => [op.key, i + 1]));
    const records = ops.map((op) => ({
      type: op.type,
      row: resolveRefs(op.fields, (key) => index.get(key)),
    }));
    const idb = await page.call('rawBulkWrite', records, 'bench-raw-push');
    const pg = await db.rawInsert(ops, org.organizationId, org.userId);

    ctx.log(`B7 run ${run + 1}/${config.pushRuns}: RxDB push`);
    const namespace = `push-${run}-${Date.now()}`;
    await peerPage.call('collectGarbage');
    const rx = await peerPage.call(
      'peerPush',
      peer.url(namespace),
      ops,
      org.organizationId,
      config.pushBatchSize,
      `rx-push-${run}`,
    );
    const stored = await peer.count(namespace);
    check(stored === ops.length, `the peer endpoint stored ${stored} of ${ops.length} documents`);

    const pushRequests = Object.entries(drained.requests)
      .filter(([path]) => path.endsWith('/sync/push'))
      .reduce((sum, [, n]) => sum + n, 0);
    runs.push({
      ms: drained.ms,
      requests: Object.values(drained.requests).reduce((a, b) => a + b, 0),
      pushRequests,
      longTask: drained.monitor.longTaskMaxMs,
      idb: idb.ms,
      pg,
      peer: rx.ms,
      peerRequests: rx.requests,
      peerLongTask: rx.monitor.longTaskMaxMs,
    });
  }
  await peerPage.call('peerClose');
  await page.close();
  await peerPage.close();
  const changes = config.changes;
  return {
    changes,
    oursMs: spread(runs.map((r) => r.ms)),
    oursChangesPerSec: spread(runs.map((r) => (changes / r.ms) * 1000)),
    oursRequests: spread(runs.map((r) => r.requests)),
    oursPushRequests: spread(runs.map((r) => r.pushRequests)),
    maxRequests: Math.ceil(changes / config.pushBatchSize) + 3,
    oursLongTaskMaxMs: spread(runs.map((r) => r.longTask)),
    limitMs: spread(runs.map((r) => r.idb + r.pg)),
    limitIdbMs: spread(runs.map((r) => r.idb)),
    limitPgMs: spread(runs.map((r) => r.pg)),
    peerMs: spread(runs.map((r) => r.peer)),
    peerRequests: spread(runs.map((r) => r.peerRequests)),
    peerLongTaskMaxMs: spread(runs.map((r) => r.peerLongTask)),
  };
}
