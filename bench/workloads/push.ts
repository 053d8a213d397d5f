import { ENTITY_TYPES, type EntityType, generateTempId } from '@wampums/schema';
import { selected } from '../config';
import { type OfflineCreate, offlineWork, resolveRefs } from '../datasets/offline-work';
import { openBenchPage, openPeerPage } from '../lib/bench-page';
import type { Spread } from '../lib/stats';
import type { FloorRecord } from '../page/raw-limits';
import { type BenchContext, check, NOT_RUN, spreadIfRun } from './context';

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
  /**
   * The design floor of the drain: the IndexedDB writes the outbox design requires once the
   * network is back (`floorDrainIdbMs`) + `limitPgMs`.
   */
  floorMs: Spread;
  /** The floor's phases (`rawOutboxFloor`): its drain is in_progress + settle + children. */
  floorDrainIdbMs: Spread;
  /** The offline writes, the counterpart of the limit's `bulkPut`: not part of the drain. */
  floorStoreMs: Spread;
  floorInProgressMs: Spread;
  floorSettleMs: Spread;
  floorChildrenMs: Spread;
  /** Time our drain's push and pull requests were in flight (until their answer's headers). */
  oursInFlightMs: Spread;
  /** Our engine's push phases, summed (its `PUSH_PHASES` measures). */
  oursMarkMs: Spread;
  oursSettleMs: Spread;
  oursAnswerWaitMs: Spread;
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

/**
 * The offline work as our engine holds it (temp ids, foreign keys to temp ids)
 * and as the server answers it (`serverIds`: the limit's ids), for B2's design floor.
 */
function floorRecords(ops: OfflineCreate[], serverIds: Map<string, number>): FloorRecord[] {
  const tempIds = new Map(ops.map((op) => [op.key, generateTempId()]));
  return ops.map((op) => {
    const payload = resolveRefs(op.fields, (key) => tempIds.get(key));
    const serverId = serverIds.get(op.key) as number;
    const server = { ...resolveRefs(op.fields, (key) => serverIds.get(key)), id: serverId };
    return { type: op.type, tempId: tempIds.get(op.key) as string, payload, server };
  });
}

/** The floor's writes once the network is back: what our timed drain does (its offline writes are setup). */
const drainFloor = (f: { inProgressMs: number; settleMs: number; childrenMs: number }) =>
  f.inProgressMs + f.settleMs + f.childrenMs;

/** The figures of a partial run (`BENCH_ONLY`) without B2 and B7. */
function notRun(changes: number, maxRequests: number): PushFigures {
  return {
    changes,
    oursMs: NOT_RUN,
    oursChangesPerSec: NOT_RUN,
    oursRequests: NOT_RUN,
    oursPushRequests: NOT_RUN,
    maxRequests,
    oursLongTaskMaxMs: NOT_RUN,
    limitMs: NOT_RUN,
    limitIdbMs: NOT_RUN,
    limitPgMs: NOT_RUN,
    floorMs: NOT_RUN,
    floorDrainIdbMs: NOT_RUN,
    floorStoreMs: NOT_RUN,
    floorInProgressMs: NOT_RUN,
    floorSettleMs: NOT_RUN,
    floorChildrenMs: NOT_RUN,
    oursInFlightMs: NOT_RUN,
    oursMarkMs: NOT_RUN,
    oursSettleMs: NOT_RUN,
    oursAnswerWaitMs: NOT_RUN,
    peerMs: NOT_RUN,
    peerRequests: NOT_RUN,
    peerLongTaskMaxMs: NOT_RUN,
  };
}

export async function runPush(ctx: BenchContext): Promise<PushFigures> {
  const { config, server, db, peer } = ctx;
  const maxRequests = Math.ceil(config.changes / config.pushBatchSize) + 3;
  if (!selected(config, 'B2', 'B7')) return notRun(config.changes, maxRequests);
  // B7 alone needs no limit; B2 alone no peer.
  const withLimit = selected(config, 'B2');
  const withPeer = selected(config, 'B7');
  const page = await openBenchPage(ctx.browser, server.url);
  const peerPage = await openPeerPage(ctx.browser, peer.origin);
  const runs: {
    ms: number;
    requests: number;
    pushRequests: number;
    longTask: number;
    idb: number | null;
    pg: number | null;
    inFlight: number;
    phases: { markMs: number; settleMs: number; answerWaitMs: number };
    floor: { storeMs: number; inProgressMs: number; settleMs: number; childrenMs: number } | null;
    peer: number | null;
    peerRequests: number | null;
    peerLongTask: number | null;
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

    let idb: number | null = null;
    let pg: number | null = null;
    let floor: (typeof runs)[number]['floor'] = null;
    if (withLimit) {
      ctx.log(`B2 run ${run + 1}/${config.pushRuns}: limit`);
      const index = new Map(ops.map((op, i) => [op.key, i + 1]));
      const records = ops.map((op) => ({
        type: op.type,
        row: resolveRefs(op.fields, (key) => index.get(key)),
      }));
      idb = (await page.call('rawBulkWrite', records, 'bench-raw-push')).ms;
      ctx.log(`B2 run ${run + 1}/${config.pushRuns}: design floor`);
      const f = await page.call(
        'rawOutboxFloor',
        floorRecords(ops, index),
        config.pushBatchSize,
        'bench-raw-floor',
      );
      check(f.rows === ops.length, `the design floor wrote ${f.rows} of ${ops.length} records`);
      floor = {
        storeMs: f.storeMs,
        inProgressMs: f.inProgressMs,
        settleMs: f.settleMs,
        childrenMs: f.childrenMs,
      };
      pg = await db.rawInsert(ops, org.organizationId, org.userId);
    }

    let rx: { ms: number; requests: number; monitor: { longTaskMaxMs: number } } | null = null;
    if (withPeer) {
      ctx.log(`B7 run ${run + 1}/${config.pushRuns}: RxDB push`);
      const namespace = `push-${run}-${Date.now()}`;
      await peerPage.call('collectGarbage');
      rx = await peerPage.call(
        'peerPush',
        peer.url(namespace),
        ops,
        org.organizationId,
        config.pushBatchSize,
        `rx-push-${run}`,
      );
      const stored = await peer.count(namespace);
      check(stored === ops.length, `the peer endpoint stored ${stored} of ${ops.length} documents`);
    }

    const pushRequests = Object.entries(drained.requests)
      .filter(([path]) => path.endsWith('/sync/push'))
      .reduce((sum, [, n]) => sum + n, 0);
    runs.push({
      ms: drained.ms,
      requests: Object.values(drained.requests).reduce((a, b) => a + b, 0),
      pushRequests,
      longTask: drained.monitor.longTaskMaxMs,
      inFlight: Object.values(drained.requestMs).reduce((a, b) => a + b, 0),
      phases: drained.phases,
      idb,
      pg,
      floor,
      peer: rx?.ms ?? null,
      peerRequests: rx?.requests ?? null,
      peerLongTask: rx?.monitor.longTaskMaxMs ?? null,
    });
  }
  await peerPage.call('peerClose');
  await page.close();
  await peerPage.close();
  const changes = config.changes;
  const measured = (pick: (r: (typeof runs)[number]) => number | null) =>
    spreadIfRun(runs.map(pick).filter((v): v is number => v !== null));
  return {
    changes,
    oursMs: spreadIfRun(runs.map((r) => r.ms)),
    oursChangesPerSec: spreadIfRun(runs.map((r) => (changes / r.ms) * 1000)),
    oursRequests: spreadIfRun(runs.map((r) => r.requests)),
    oursPushRequests: spreadIfRun(runs.map((r) => r.pushRequests)),
    maxRequests,
    oursLongTaskMaxMs: spreadIfRun(runs.map((r) => r.longTask)),
    limitMs: measured((r) => (r.idb === null || r.pg === null ? null : r.idb + r.pg)),
    limitIdbMs: measured((r) => r.idb),
    limitPgMs: measured((r) => r.pg),
    floorMs: measured((r) => (r.floor === null || r.pg === null ? null : drainFloor(r.floor) + r.pg)),
    floorDrainIdbMs: measured((r) => (r.floor === null ? null : drainFloor(r.floor))),
    floorStoreMs: measured((r) => r.floor?.storeMs ?? null),
    floorInProgressMs: measured((r) => r.floor?.inProgressMs ?? null),
    floorSettleMs: measured((r) => r.floor?.settleMs ?? null),
    floorChildrenMs: measured((r) => r.floor?.childrenMs ?? null),
    oursInFlightMs: spreadIfRun(runs.map((r) => r.inFlight)),
    oursMarkMs: spreadIfRun(runs.map((r) => r.phases.markMs)),
    oursSettleMs: spreadIfRun(runs.map((r) => r.phases.settleMs)),
    oursAnswerWaitMs: spreadIfRun(runs.map((r) => r.phases.answerWaitMs)),
    peerMs: measured((r) => r.peer),
    peerRequests: measured((r) => r.peerRequests),
    peerLongTaskMaxMs: measured((r) => r.peerLongTask),
  };
}
