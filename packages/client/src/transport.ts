import {
  API_BASE,
  type ErrorCode,
  errorResponseSchema,
  liveTicketResponseSchema,
  type OutboxAuthor,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  type PullResponse,
  type PushRequest,
  type PushResponse,
} from '@wampums/schema';
import type { z } from 'zod';
import { retryAfterMs } from './backoff';
import type { Clock } from './clock';
import { type ClientErrorCode, OfflineStoreError } from './errors';
import { pullAnswerSchema, pushAnswerSchema } from './wire-tolerance';

/** The answer of a push, with when it was asked and answered on the device clock. */
export interface PushAnswer {
  data: PushResponse['data'];
  /** Device time halfway through the request: the moment `serverTime` is compared with. */
  sentMidpoint: number;
  /** Results of a status this client does not know, answered as `skipped` (`wire-tolerance`). */
  unknownResults?: number;
}

/** A pull page; `skipped`: changes this client could not read and left out (`wire-tolerance`). */
export type PullPageData = PullResponse['data'] & { skipped?: number };

/** The network side of sync, behind an interface so that tests inject faults. */
export interface Transport {
  /** Sends changes; `author`: the person they were made by, whose token must carry them. */
  push(request: PushRequest, signal?: AbortSignal, author?: OutboxAuthor | null): Promise<PushAnswer>;
  /**
   * One pull page. With `clientId` (the one this device pushes with) the server leaves out the
   * rows this device already holds from its own push answers.
   */
  pull(
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
    clientId?: string | null,
  ): Promise<PullPageData>;
  /**
   * A single-use ticket that opens one live stream (`POST /sync/events/ticket`); `null` when the
   * server has no such route (a host app whose stream goes by its cookie). Without this method,
   * streams open without a ticket too. Tokens never go in the stream's URL.
   */
  liveTicket?(signal?: AbortSignal): Promise<string | null>;
  /** Requests started so far (including failed ones). */
  readonly requestCount: number;
}

/**
 * The current access token. Given `forUser` (a push's author), it must answer `null` unless the
 * token is that person's: changes never go under another person's token.
 */
export type TokenProvider = (forUser?: OutboxAuthor | null) => Promise<string | null>;

export interface HttpTransportOptions {
  baseUrl: string;
  getToken: TokenProvider;
  fetch?: typeof globalThis.fetch;
  clock: Clock;
  /** A request unanswered after this long fails as a network error, ms (default 30 s). */
  requestTimeoutMs?: number;
}

/** The full URL of an API path, e.g. `apiUrl('http://h:3000', '/sync/pull')`. */
export function apiUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${API_BASE}${path}`;
}

/** Fetch-based transport: bearer token, JSON, and every failure turned into an `OfflineStoreError`. */
export class HttpTransport implements Transport {
  private requests = 0;
  private readonly fetchFn: typeof globalThis.fetch;

  constructor(private readonly options: HttpTransportOptions) {
    // Bound: a detached `fetch` throws "Illegal invocation" in browsers and service workers.
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get requestCount(): number {
    return this.requests;
  }

  async push(request: PushRequest, signal?: AbortSignal, author?: OutboxAuthor | null): Promise<PushAnswer> {
    const start = this.options.clock.now();
    const body = await this.call('/sync/push', pushAnswerSchema, {
      method: 'POST',
      body: request,
      signal,
      author,
    });
    const end = this.options.clock.now();
    const { unknownResults, ...data } = body.data;
    return { data, sentMidpoint: (start + end) / 2, unknownResults };
  }

  async pull(
    cursor: string | null,
    limit: number,
    signal?: AbortSignal,
    clientId?: string | null,
  ): Promise<PullPageData> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    if (clientId) query.set('clientId', clientId);
    const body = await this.call(`/sync/pull?${query}`, pullAnswerSchema, { method: 'GET', signal });
    return body.data;
  }

  async liveTicket(signal?: AbortSignal): Promise<string | null> {
    try {
      const answer = await this.call('/sync/events/ticket', liveTicketResponseSchema, {
        method: 'POST',
        body: {},
        signal,
      });
      return answer.data.ticket;
    } catch (error) {
      if (error instanceof OfflineStoreError && error.code === 'not_found') return null;
      throw error;
    }
  }

  private async call<S extends z.ZodType>(
    path: string,
    schema: S,
    init: {
      method: string;
      body?: unknown;
      signal?: AbortSignal | undefined;
      author?: OutboxAuthor | null | undefined;
    },
  ): Promise<z.infer<S>> {
    const token =
      init.author === undefined ? await this.options.getToken() : await this.options.getToken(init.author);
    if (!token) throw new OfflineStoreError('unauthorized', 'signed out: no access token', { token: null });
    this.requests += 1;
    // A hung request must not hold the sync lock forever: it is aborted after a timeout.
    const controller = new AbortController();
    const onAbort = () => controller.abort(init.signal?.reason);
    init.signal?.addEventListener('abort', onAbort);
    const timer = this.options.clock.setTimeout(
      () => controller.abort(new Error('request timed out')),
      this.options.requestTimeoutMs ?? 30_000,
    );
    try {
      return await this.send(path, schema, init, token, controller.signal);
    } finally {
      this.options.clock.clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async send<S extends z.ZodType>(
    path: string,
    schema: S,
    init: { method: string; body?: unknown },
    token: string,
    signal: AbortSignal,
  ): Promise<z.infer<S>> {
    let response: Response;
    try {
      response = await this.fetchFn(apiUrl(this.options.baseUrl, path), {
        method: init.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal,
      });
    } catch (cause) {
      throw new OfflineStoreError('network_error', `network error: ${errorMessage(cause)}`, { cause });
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      if (response.ok) throw new OfflineStoreError('invalid_response', `${path}: answer is not JSON`);
      throw httpError(
        response.status,
        null,
        token,
        retryAfterMs(response.headers.get('retry-after'), this.options.clock.now()),
      );
    }
    if (!response.ok)
      throw httpError(
        response.status,
        json,
        token,
        retryAfterMs(response.headers.get('retry-after'), this.options.clock.now()),
      );
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OfflineStoreError('invalid_response', `${path}: answer breaks the protocol`, {
        issues: parsed.error.issues,
      });
    }
    return parsed.data;
  }
}

function httpError(
  status: number,
  body: unknown,
  token: string,
  retryAfter: number | null = null,
): OfflineStoreError {
  const parsed = errorResponseSchema.safeParse(body);
  const wire = parsed.success ? parsed.data.error : null;
  const code: ClientErrorCode =
    status === 401
      ? 'unauthorized'
      : ((wire?.code as ErrorCode | undefined) ?? (status >= 500 ? 'internal_error' : 'bad_request'));
  return new OfflineStoreError(code, wire?.message ?? `HTTP ${status}`, {
    status,
    // The server's own code: a 401 reads `unauthorized` here, its wire code says why
    // (`session_revoked` with `details.reason`, `token_expired`...).
    ...(wire?.code ? { wireCode: wire.code } : {}),
    details: wire?.details,
    // A 429 or 503's `Retry-After`, ms: the backoff waits at least this long.
    ...(retryAfter !== null ? { retryAfterMs: retryAfter } : {}),
    // Kept so that sync can tell a new token from the one the server refused.
    ...(status === 401 ? { token } : {}),
  });
}

/** True for failures worth retrying later with backoff: the network, rate limits, server errors. */
export function isRetryable(error: OfflineStoreError): boolean {
  const status = (error.details as { status?: number } | undefined)?.status;
  return (
    error.code === 'network_error' ||
    error.code === 'invalid_response' ||
    error.code === 'rate_limited' ||
    error.code === 'service_unavailable' ||
    error.code === 'internal_error' ||
    (typeof status === 'number' && status >= 500)
  );
}

/** The wait the server asked for with this error (`Retry-After`), ms, or `null`. */
export function serverRetryAfterMs(error: OfflineStoreError): number | null {
  const ms = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Any thrown value as an `OfflineStoreError`. */
export function toStoreError(error: unknown): OfflineStoreError {
  if (error instanceof OfflineStoreError) return error;
  const e = error as { name?: string; code?: unknown; message?: string };
  if (e?.name === 'OfflineStoreError' && typeof e.code === 'string') {
    return new OfflineStoreError(e.code as ClientErrorCode, e.message ?? '');
  }
  return new OfflineStoreError('internal_error', errorMessage(error), { cause: error });
}
