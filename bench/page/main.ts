import { localWrites } from './local-writes';
import { collectGarbage } from './monitor';
import * as ours from './ours';
import * as limits from './raw-limits';

/**
 * The bench page of our engine and the platform limits: every browser-side workload, reachable
 * from Node as `window.bench.<name>(...)` through Playwright's `page.evaluate`.
 */
const bench = { ...limits, ...ours, localWrites, collectGarbage, ready: true };

export type BenchApi = typeof bench;
(globalThis as unknown as { bench: BenchApi }).bench = bench;
