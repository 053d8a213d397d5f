import { CHANGES_EVENT } from '@wampums/schema';
import type { Clock } from './clock';
import { apiUrl } from './transport';

/** The part of `EventSource` the client uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** Opens an event stream at `url` (the global `EventSource` in browsers; injectable in Node). */
export type EventSourceFactory = (url: string) => EventSourceLike;

/** The global `EventSource` of the running context, if any. */
export function globalEventSource(): EventSourceFactory | null {
  const ES = (globalThis as { EventSource?: new (url: string) => EventSourceLike }).EventSource;
  return ES ? (url) => new ES(url) : null;
}

export interface LiveEventsOptions {
  baseUrl: string;
  /**
   * A fresh single-use ticket for each (re)connection, `null` for a server that opens streams
   * without one (its cookie); a failure (offline, signed out) retries later.
   */
  getTicket: () => Promise<string | null>;
  factory: EventSourceFactory;
  clock: Clock;
  /** A change was committed on the server: pull. */
  onChange: () => void;
  /** The stream opened (true) or dropped (false): the caller polls while it is down. */
  onConnectedChange: (connected: boolean) => void;
  /** Wait before reopening a dropped stream, ms. */
  reconnectMs: number;
}

/**
 * Listens to `GET /api/v1/sync/events`. EventSource cannot send headers, and a URL lands in
 * access logs: the stream opens with a single-use ticket (`?ticket=`, asked for with the token
 * just before), never a token (docs/sync-protocol.md, "Live channel"). On an error the stream
 * is closed and reopened with a new ticket after a delay: the browser's own reconnect would
 * reuse the spent one.
 */
export class LiveEvents {
  private source: EventSourceLike | null = null;
  private timer: unknown = null;
  private running = false;

  constructor(private readonly options: LiveEventsOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.open();
  }

  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    let ticket: string | null;
    try {
      ticket = await this.options.getTicket();
    } catch {
      if (this.running) this.retryLater();
      return;
    }
    if (!this.running) return;
    const base = apiUrl(this.options.baseUrl, '/sync/events');
    const url = ticket === null ? base : `${base}?ticket=${encodeURIComponent(ticket)}`;
    let source: EventSourceLike;
    try {
      source = this.options.factory(url);
    } catch {
      this.retryLater();
      return;
    }
    this.source = source;
    source.onopen = () => {
      this.options.onConnectedChange(true);
      // Changes may have been committed while the stream was down.
      this.options.onChange();
    };
    source.onerror = () => {
      if (this.source !== source) return;
      source.close();
      this.source = null;
      this.options.onConnectedChange(false);
      this.retryLater();
    };
    source.addEventListener(CHANGES_EVENT, () => this.options.onChange());
  }

  private retryLater(): void {
    if (!this.running) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = this.options.clock.setTimeout(() => void this.open(), this.options.reconnectMs);
  }
}
