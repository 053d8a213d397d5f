import {
  type Clock,
  ManualConnectivity,
  type OfflineStore,
  openOfflineStore,
  type SyncReport,
} from '@wampums/client';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { armCrash } from './crash-trap';

export interface SimDeviceOptions {
  key: string;
  /** Where the device sends its requests (through the fault proxy). */
  baseUrl: string;
  token: string;
  user: { id: number; organizationId: number };
  /** How far this device's clock is off, ms. */
  skewMs: number;
  /** A device gives up on a request after this long (what a browser's network stack does). */
  fetchTimeoutMs: number;
  random: () => number;
}

/** The sync lease of the client: a restarted app waits this long for its dead predecessor's lease. */
const LOCK_LEASE_MS = 60_000;

/** What a `sync` step did. */
export interface SyncOutcome {
  report: SyncReport | null;
  crashed: boolean;
}

/**
 * One leader's phone: its own IndexedDB (an isolated fake-indexeddb factory), a skewed clock,
 * a switchable network, and the real client library driven step by step (`autoSync: false`).
 * A crash closes the database between two write transactions; the app then opens again on the
 * same IndexedDB, as after a restart.
 */
export class SimDevice {
  readonly factory = new IDBFactory();
  readonly connectivity = new ManualConnectivity(true);
  private extraMs = 0;
  private current: OfflineStore | null = null;
  crashes = 0;

  readonly clock: Clock = {
    now: () => Date.now() + this.options.skewMs + this.extraMs,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };

  constructor(private readonly options: SimDeviceOptions) {}

  get key(): string {
    return this.options.key;
  }

  get store(): OfflineStore {
    if (!this.current) throw new Error(`device ${this.key} is not open`);
    return this.current;
  }

  async open(): Promise<void> {
    const timeoutMs = this.options.fetchTimeoutMs;
    const timedFetch: typeof fetch = (input, init) => {
      const signals = [AbortSignal.timeout(timeoutMs)];
      if (init?.signal) signals.push(init.signal);
      return fetch(input, { ...init, signal: AbortSignal.any(signals) });
    };
    this.current = await openOfflineStore({
      baseUrl: this.options.baseUrl,
      getToken: async () => this.options.token,
      user: this.options.user,
      indexedDB: this.factory,
      IDBKeyRange,
      fetch: timedFetch,
      clock: this.clock,
      autoSync: false,
      eventSource: null,
      connectivity: this.connectivity,
      random: this.options.random,
      cacheStorage: null,
      lockLeaseMs: LOCK_LEASE_MS,
      // Keep synced entries: their server answers are evidence in the invariant checks.
      syncedRetentionMs: 365 * 24 * 60 * 60 * 1000,
    });
  }

  /** Time passes for this device only (its clock also jumps by as much). */
  advance(ms: number): void {
    this.extraMs += ms;
  }

  /** Syncs; with `crashAtWrite`, the app dies before that read-write transaction of the run. */
  async sync(
    options: { ignoreBackoff?: boolean; fullRefresh?: boolean },
    crashAtWrite: number | null,
  ): Promise<SyncOutcome> {
    const store = this.store;
    const connection = crashAtWrite === null ? null : (store.db.backendDB() as unknown as object);
    const armed =
      connection && crashAtWrite !== null ? armCrash(connection, crashAtWrite, () => store.db.close()) : null;
    let report: SyncReport | null = null;
    try {
      report = await store.sync(options);
    } catch (error) {
      if (!armed?.fired) throw error;
    } finally {
      armed?.disarm();
    }
    if (!armed?.fired) return { report, crashed: false };
    this.crashes += 1;
    await store.close().catch(() => undefined);
    this.current = null;
    // The app comes back later: its own dead lease has expired by then.
    this.advance(LOCK_LEASE_MS + 1000);
    await this.open();
    return { report: null, crashed: true };
  }

  async close(): Promise<void> {
    await this.current?.close();
    this.current = null;
  }
}
