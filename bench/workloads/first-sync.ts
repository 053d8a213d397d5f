import type { EntityType } from '@wampums/schema';
import { selected } from '../config';
import { countRows } from '../datasets/camp-rows';
import { openBenchPage, openPeerPage } from '../lib/bench-page';
import { quantile, type Spread } from '../lib/stats';
import { toPeerDoc } from '../peer/rxdb-schemas';
import { type BenchContext, check, NOT_RUN, spreadIfRun } from './context';

/** B1, B3, B4 and B3's half of B7: one organization of `rows` rows, pulled, then used. */
export interface CampFigures {
  b1: {
    actions: number;
    oursP50: Spread;
    oursP95: Spread;
    /** The limit: one record put in one transaction. */
    rawP50: Spread;
    rawP95: Spread;
    /** The design floor: one record and its outbox entry put in one transaction. */
    rawTxP50: Spread;
    rawTxP95: Spread;
    /** The same transaction through Dexie, with no engine around it. */
    dexieTxP50: Spread;
    dexieTxP95: Spread;
  };
  b3: {
    rows: number;
    oursMs: Spread;
    oursRowsPerSec: Spread;
    oursHeapPeakMiB: Spread;
    oursLongTaskMaxMs: Spread;
    oursRequests: number;
    limitMs: Spread;
    limitHeapPeakMiB: Spread;
    limitLongTaskMaxMs: Spread;
  };
  b4: { changed: number; oursMs: Spread; roundTripMs: Spread; syncs: Spread }[];
  b7pull: { peerMs: Spread; peerRequests: number; peerLongTaskMaxMs: Spread; peerHeapPeakMiB: Spread };
}

const MiB = 1024 * 1024;

/** The figures of a partial run (`BENCH_ONLY`) without B1, B3, B4 and B7. */
function notRun(rows: number): CampFigures {
  return {
    b1: {
      actions: 0,
      oursP50: NOT_RUN,
      oursP95: NOT_RUN,
      rawP50: NOT_RUN,
      rawP95: NOT_RUN,
      rawTxP50: NOT_RUN,
      rawTxP95: NOT_RUN,
      dexieTxP50: NOT_RUN,
      dexieTxP95: NOT_RUN,
    },
    b3: {
      rows,
      oursMs: NOT_RUN,
      oursRowsPerSec: NOT_RUN,
      oursHeapPeakMiB: NOT_RUN,
      oursLongTaskMaxMs: NOT_RUN,
      oursRequests: 0,
      limitMs: NOT_RUN,
      limitHeapPeakMiB: NOT_RUN,
      limitLongTaskMaxMs: NOT_RUN,
    },
    b4: [],
    b7pull: { peerMs: NOT_RUN, peerRequests: 0, peerLongTaskMaxMs: NOT_RUN, peerHeapPeakMiB: NOT_RUN },
  };
}

export async function runCamp(ctx: BenchContext): Promise<CampFigures> {
  const { config, server, db, peer } = ctx;
  if (!selected(config, 'B1', 'B3', 'B4', 'B7')) return notRun(config.rows);
  // B1 and B4 use the database of a first sync (B1's limit the raw pull's): without B3 or B7,
  // one of each is done, untimed, as setup.
  const timed = selected(config, 'B3', 'B7');
  const firstSyncs = timed ? config.runs : 1;
  const withRaw = selected(config, 'B3', 'B1');
  const withPeer = selected(config, 'B7');
  const org = await db.createOrganization(`camp-${Date.now()}`);
  ctx.log(`seeding ${config.rows} rows`);
  const rows = await db.seedCamp(org.organizationId, org.userId, config.rows);
  const total = countRows(rows);
  const seeded = Object.values(await db.countRows(org.organizationId)).reduce((a, b) => a + b, 0);
  check(seeded === total, `server holds ${seeded} rows, expected ${total}`);
  const now = new Date().toISOString();
  for (const [type, list] of withPeer ? Object.entries(rows) : []) {
    const docs = (list ?? []).map((row) => ({
      ...toPeerDoc(type as EntityType, row),
      organization_id: org.organizationId,
      created_at: now,
      updated_at: now,
    }));
    await peer.seed('camp', type, docs);
  }
  const token = await server.login(org.email);
  const session = {
    baseUrl: server.url,
    token,
    user: { id: org.userId, organizationId: org.organizationId },
    pushBatchSize: config.pushBatchSize,
    pullPageSize: config.pullPageSize,
  };
  const page = await openBenchPage(ctx.browser, server.url);
  const peerPage = await openPeerPage(ctx.browser, peer.origin);

  const ours = [];
  const limit = [];
  const rx = [];
  for (let run = 0; run < firstSyncs; run++) {
    if (withRaw) {
      ctx.log(`B3 run ${run + 1}/${firstSyncs}: raw fetch + bulkPut`);
      await page.call('collectGarbage');
      const l = await page.call(
        'rawPull',
        `${server.apiUrl}/sync/pull`,
        token,
        config.pullPageSize,
        'bench-raw-pull',
      );
      check(l.rows === total, `raw pull stored ${l.rows} of ${total} rows`);
      limit.push(l);
    }
    ctx.log(`B3 run ${run + 1}/${firstSyncs}: ours`);
    await page.call('collectGarbage');
    const o = await page.call('oursFirstSync', session);
    check(o.rows === total, `our first sync stored ${o.rows} of ${total} rows`);
    ours.push(o);
    if (withPeer) {
      ctx.log(`B3 run ${run + 1}/${firstSyncs}: RxDB`);
      await peerPage.call('collectGarbage');
      const p = await peerPage.call('peerFirstSync', peer.url('camp'), config.pullPageSize, `rx-camp-${run}`);
      check(p.rows === total, `the peer stored ${p.rows} of ${total} rows`);
      rx.push(p);
    }
  }
  await peerPage.call('peerClose');

  // B4 on the database of the last first sync.
  const b4: CampFigures['b4'] = [];
  let round = 0;
  const roundTrips = selected(config, 'B4')
    ? await page.call('roundTrips', `${server.apiUrl}/health`, 30)
    : [];
  for (const changed of selected(config, 'B4') ? config.incremental : []) {
    const times: number[] = [];
    const syncs: number[] = [];
    for (let run = 0; run < Math.max(3, config.runs); run++) {
      const expected = await db.changeAttendance(org.organizationId, changed, round++);
      check(expected.length === changed, `changed ${expected.length} of ${changed} rows`);
      const result = await page.call('oursIncremental', expected);
      times.push(result.ms);
      syncs.push(result.syncs);
    }
    b4.push({
      changed,
      oursMs: spreadIfRun(times),
      roundTripMs: spreadIfRun(roundTrips),
      syncs: spreadIfRun(syncs),
    });
  }

  // B1 on the same database: the organization is stored, a leader taps.
  const participants = (rows.participants ?? []).map((p) => p.id);
  const b1Ours: number[][] = [];
  const b1Raw: number[][] = [];
  const b1RawTx: number[][] = [];
  const b1DexieTx: number[][] = [];
  for (let run = 0; run < (selected(config, 'B1') ? config.runs : 0); run++) {
    const times = await page.call('localWrites', config.localWrites, participants, 'bench-raw-pull');
    b1Ours.push(times.ours);
    b1Raw.push(times.raw);
    b1RawTx.push(times.rawTx);
    b1DexieTx.push(times.dexieTx);
  }
  await page.call('oursClose');
  await page.close();
  await peerPage.close();

  // Figures of the first syncs only when timed (B3 or B7): otherwise they were setup.
  const ifTimed = (samples: number[]) => spreadIfRun(timed ? samples : []);
  const pick = (runs: number[][], q: number) => spreadIfRun(runs.map((times) => quantile(times, q)));
  return {
    b1: {
      actions: config.localWrites,
      oursP50: pick(b1Ours, 0.5),
      oursP95: pick(b1Ours, 0.95),
      rawP50: pick(b1Raw, 0.5),
      rawP95: pick(b1Raw, 0.95),
      rawTxP50: pick(b1RawTx, 0.5),
      rawTxP95: pick(b1RawTx, 0.95),
      dexieTxP50: pick(b1DexieTx, 0.5),
      dexieTxP95: pick(b1DexieTx, 0.95),
    },
    b3: {
      rows: total,
      oursMs: ifTimed(ours.map((r) => r.ms)),
      oursRowsPerSec: ifTimed(ours.map((r) => (total / r.ms) * 1000)),
      oursHeapPeakMiB: ifTimed(ours.map((r) => r.monitor.heapPeakDeltaBytes / MiB)),
      oursLongTaskMaxMs: ifTimed(ours.map((r) => r.monitor.longTaskMaxMs)),
      oursRequests: Object.values(ours[0]?.requests ?? {}).reduce((a, b) => a + b, 0),
      limitMs: ifTimed(limit.map((r) => r.ms)),
      limitHeapPeakMiB: ifTimed(limit.map((r) => r.monitor.heapPeakDeltaBytes / MiB)),
      limitLongTaskMaxMs: ifTimed(limit.map((r) => r.monitor.longTaskMaxMs)),
    },
    b4,
    b7pull: {
      peerMs: spreadIfRun(rx.map((r) => r.ms)),
      peerRequests: rx[0]?.requests ?? 0,
      peerLongTaskMaxMs: spreadIfRun(rx.map((r) => r.monitor.longTaskMaxMs)),
      peerHeapPeakMiB: spreadIfRun(rx.map((r) => r.monitor.heapPeakDeltaBytes / MiB)),
    },
  };
}
