import { describe, expect, it } from 'vitest';
import { smokeConfig } from './config';
import { markdownSummary, tableRows } from './lib/report';
import { runBench } from './run-bench';

/**
 * The bench at tiny sizes: every figure is produced and the invariants hold (each workload
 * checks that every row arrived, nothing is left unsent, nothing was lost). Timings are not
 * asserted: they belong to `npm run bench`.
 */
describe('npm run bench, smoke run', () => {
  it('produces every figure of B1-B7 with its limit or peer', async () => {
    const config = smokeConfig();
    const results = await runBench(config);
    const { camp, push, load, app, fairness } = results;

    expect(camp.b3.rows).toBe(config.rows);
    expect(camp.b1.oursP95.runs).toBe(config.runs);
    expect(camp.b4.map((b) => b.changed)).toEqual(config.incremental);
    expect(push.changes).toBe(config.changes);
    expect(push.oursPushRequests.median).toBeGreaterThanOrEqual(
      Math.ceil(config.changes / config.pushBatchSize),
    );
    expect(load.errors).toBe(0);
    expect(load.rowsLost).toBe(0);
    expect(app?.appJsGzipKB).toBeGreaterThan(0);
    expect(fairness.flood.errors).toBe(0);
    expect(fairness.flood.rowsLost).toBe(0);
    expect(fairness.streams.errors).toBe(0);
    expect(fairness.instances.errors).toBe(0);
    expect(fairness.instances.rowsLost).toBe(0);
    const figures = [
      camp.b1.oursP95.median,
      camp.b1.rawP95.median,
      camp.b1.rawTxP95.median,
      camp.b1.dexieTxP95.median,
      camp.b3.oursMs.median,
      camp.b3.limitMs.median,
      camp.b7pull.peerMs.median,
      push.oursMs.median,
      push.limitMs.median,
      push.floorMs.median,
      push.oursInFlightMs.median,
      push.oursSettleMs.median,
      push.oursMarkMs.median,
      push.peerMs.median,
      load.concurrentChangesPerSec.median,
      load.singleChangesPerSec.median,
      fairness.flood.othersP95Ms.median,
      fairness.flood.baselineP95Ms.median,
      fairness.flood.healthP99Ms.median,
      fairness.streams.withMs.median,
      fairness.streams.withoutMs.median,
      fairness.instances.manyChangesPerSec.median,
      fairness.instances.oneChangesPerSec.median,
      app?.coldOpenMs.median ?? Number.NaN,
    ];
    for (const figure of figures) expect(figure).toBeGreaterThan(0);

    const rows = tableRows(results);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7']));
    const summary = markdownSummary(results, rows);
    expect(summary).toContain(results.machine.cpuModel);
    expect(summary).toContain(results.browser);
  });
});
