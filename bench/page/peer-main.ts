import { collectGarbage } from './monitor';
import * as peer from './peer-rxdb';

/**
 * The peer's bench page, on its own origin and in its own bundle: RxDB brings its own Dexie
 * version, and Dexie refuses two versions in one page.
 */
const bench = { ...peer, collectGarbage, ready: true };

export type PeerBenchApi = typeof bench;
(globalThis as unknown as { bench: PeerBenchApi }).bench = bench;
