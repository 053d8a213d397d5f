import { randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateTempId } from '@wampums/schema';
import { sleep } from './sleep';

/**
 * What the proxy does to one request. Faults before the server (`drop-request`, `status` without
 * `afterCommit`) never reach it; the others forward the request and let the server commit first.
 */
export type ProxyFault =
  | { kind: 'pass' }
  /** The request is lost on the way: the connection drops, the server never sees it. */
  | { kind: 'drop-request' }
  /** The server commits, then the connection drops before the answer reaches the device. */
  | { kind: 'drop-response' }
  /** The request arrives twice (racing each other, or one after the other); the device gets one answer. */
  | { kind: 'duplicate'; concurrent: boolean }
  /** An error status from a gateway or overloaded server, before or after the server committed. */
  | { kind: 'status'; status: 500 | 502 | 503 | 429; afterCommit: boolean }
  /** The answer comes late, but before the device gives up. */
  | { kind: 'slow'; ms: number }
  /** The answer comes after the device has given up waiting (its fetch timeout). */
  | { kind: 'timeout'; ms: number }
  /** The server process is killed with SIGKILL `afterMs` after the request reached it. */
  | { kind: 'server-kill'; afterMs: number }
  /**
   * Sabotage, not a network fault: the push is delivered, then delivered again with new
   * correlation and temp ids, as a broken client re-sending its creates as new changes would. Only the
   * oracle self-test uses it, to prove the duplicate check catches it.
   */
  | { kind: 'forged-duplicate' };

export type FaultKind =
  | 'drop-request'
  | 'drop-response'
  | 'duplicate-concurrent'
  | 'duplicate-sequential'
  | 'http-500'
  | 'http-502'
  | 'http-503'
  | 'http-429'
  | 'http-502-after-commit'
  | 'slow'
  | 'timeout'
  | 'server-kill'
  | 'forged-duplicate';

/** The figure a fault counts under. */
export function faultKindOf(fault: ProxyFault): FaultKind | null {
  switch (fault.kind) {
    case 'pass':
      return null;
    case 'drop-request':
    case 'drop-response':
    case 'slow':
    case 'timeout':
    case 'server-kill':
    case 'forged-duplicate':
      return fault.kind;
    case 'duplicate':
      return fault.concurrent ? 'duplicate-concurrent' : 'duplicate-sequential';
    case 'status':
      return fault.afterCommit ? 'http-502-after-commit' : (`http-${fault.status}` as FaultKind);
  }
}

const ERROR_CODES: Record<number, string> = {
  500: 'internal_error',
  502: 'internal_error',
  503: 'service_unavailable',
  429: 'rate_limited',
};

/** An answer as the proxy received it. */
export interface Forwarded {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface FaultProxyOptions {
  /** Where the server listens now (it may move between restarts). */
  target: () => string;
  /** Kills the server (SIGKILL); the caller restarts it before the next step. */
  killServer: () => Promise<void>;
  /** Called with every request the server answered (debugging a failing seed). */
  trace?: (exchange: {
    device: string;
    method: string;
    path: string;
    fault: ProxyFault;
    body: Buffer;
    answer: Forwarded;
  }) => void;
}

/** One change of a push, as sent. */
export interface SentChange {
  correlationId: string;
  entityType: string;
  payload: Record<string, unknown> | null;
}

/**
 * A small HTTP proxy between the devices and the server that injects network and server faults.
 * Each device talks to `url(deviceKey)`; the faults queued for a device apply to its next
 * requests in order, so a generated scenario decides exactly which request meets which fault.
 */
export class FaultProxy {
  private server: Server | null = null;
  private readonly queues = new Map<string, ProxyFault[]>();
  /** Faults actually applied, by kind. */
  readonly injected = new Map<FaultKind, number>();
  /** Requests seen, by device. */
  readonly requests = new Map<string, number>();
  /**
   * Every change a device sent in a push, by correlationId, whatever became of the request. With
   * the server's receipts (which keep ids, not rows) it tells which values were written.
   */
  readonly pushed = new Map<string, SentChange>();
  private readonly pendingKills: Promise<void>[] = [];

  constructor(private readonly options: FaultProxyOptions) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The base URL a device uses (the client appends `/api/v1/...`). */
  url(deviceKey: string): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('proxy not started');
    return `http://127.0.0.1:${address.port}/d/${encodeURIComponent(deviceKey)}`;
  }

  /** Queues faults for the next requests of a device (replacing what was left). */
  plan(deviceKey: string, faults: ProxyFault[]): void {
    this.queues.set(deviceKey, [...faults]);
  }

  /** Drops every queued fault: from now on requests pass. */
  clear(): void {
    this.queues.clear();
  }

  /** Waits for server kills started by requests (the caller restarts the server afterwards). */
  async settleKills(): Promise<number> {
    const kills = this.pendingKills.splice(0);
    await Promise.all(kills);
    return kills.length;
  }

  private notePush(body: Buffer): void {
    try {
      const sent = JSON.parse(body.toString()) as { changes?: SentChange[] };
      for (const c of sent.changes ?? [])
        this.pushed.set(c.correlationId, {
          correlationId: c.correlationId,
          entityType: c.entityType,
          payload: c.payload,
        });
    } catch {
      // Not a JSON push: the server refuses it, nothing to note.
    }
  }

  private count(fault: ProxyFault): void {
    const kind = faultKindOf(fault);
    if (kind) this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/d\/([^/]+)(\/.*)$/.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const device = decodeURIComponent(match[1] as string);
    const path = match[2] as string;
    this.requests.set(device, (this.requests.get(device) ?? 0) + 1);
    const body = await readBody(req);
    if (req.method === 'POST' && path.startsWith('/api/v1/sync/push')) this.notePush(body);
    const fault = this.queues.get(device)?.shift() ?? { kind: 'pass' };
    this.count(fault);
    const forward = async (sent = body) => {
      const answer = await this.forward(req, path, sent);
      this.options.trace?.({ device, method: req.method ?? 'GET', path, fault, body, answer });
      return answer;
    };
    switch (fault.kind) {
      case 'pass':
        return reply(res, await forward());
      case 'drop-request':
        res.socket?.destroy();
        return;
      case 'drop-response':
        await forward();
        res.socket?.destroy();
        return;
      case 'duplicate': {
        if (fault.concurrent) {
          const [first] = await Promise.all([forward(), forward()]);
          return reply(res, first);
        }
        await forward();
        return reply(res, await forward());
      }
      case 'status':
        if (fault.afterCommit) await forward();
        return reply(res, errorAnswer(fault.status));
      case 'slow':
      case 'timeout': {
        const answer = await forward();
        await sleep(fault.ms);
        if (!res.destroyed) reply(res, answer);
        return;
      }
      case 'forged-duplicate': {
        const first = await forward();
        await forward(forgedCopy(body));
        return reply(res, first);
      }
      case 'server-kill': {
        const answer = forward();
        const kill = sleep(fault.afterMs).then(() => this.options.killServer());
        this.pendingKills.push(kill);
        return reply(res, await answer);
      }
    }
  }

  /** Sends the request to the server; a dead server becomes a 502 from the proxy. */
  private forward(req: IncomingMessage, path: string, body: Buffer): Promise<Forwarded> {
    const target = new URL(path, this.options.target());
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
    delete headers.connection;
    return new Promise((resolve) => {
      const upstream = httpRequest(target, { method: req.method, headers, agent: false }, (response) => {
        readBody(response)
          .then((data) =>
            resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
          )
          .catch(() => resolve(errorAnswer(502)));
      });
      upstream.on('error', () => resolve(errorAnswer(502)));
      upstream.end(body);
    });
  }
}

/**
 * The same push as a broken client would re-send it: every change under a fresh correlation id,
 * every create under a fresh temp id (references to it follow). Other bodies pass unchanged.
 */
function forgedCopy(body: Buffer): Buffer {
  let text = body.toString();
  try {
    const push = JSON.parse(text) as { changes?: { operation: string; tempId?: string | null }[] };
    if (!Array.isArray(push.changes)) return body;
    for (const change of push.changes) {
      if (change.operation === 'create' && change.tempId) {
        text = text.split(JSON.stringify(change.tempId)).join(JSON.stringify(generateTempId()));
      }
    }
    const forged = JSON.parse(text) as { changes: { correlationId: string }[] };
    for (const change of forged.changes) change.correlationId = randomUUID();
    return Buffer.from(JSON.stringify(forged));
  } catch {
    return body;
  }
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function errorAnswer(status: number): Forwarded {
  const code = ERROR_CODES[status] ?? 'internal_error';
  const body = Buffer.from(JSON.stringify({ error: { code, message: `injected ${status}` } }));
  const headers: Forwarded['headers'] = { 'content-type': 'application/json' };
  if (status === 429) headers['retry-after'] = '1';
  return { status, headers, body };
}

function reply(res: ServerResponse, answer: Forwarded): void {
  if (res.destroyed || res.headersSent) return;
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  delete headers.connection;
  delete headers['keep-alive'];
  headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}
