import { CHANGES_EVENT, PROTOCOL_HEADER, PROTOCOL_VERSION } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/guard';
import type { AppContext } from '../context';
import { headPosition, isVisible } from './log-position';

/** The open live-channel streams of this instance, ended on shutdown. */
export class LiveStreams {
  private readonly open = new Set<() => void>();
  add(end: () => void): void {
    this.open.add(end);
  }
  delete(end: () => void): void {
    this.open.delete(end);
  }
  get size(): number {
    return this.open.size;
  }
  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

const COALESCE_MS = 30;
const VISIBILITY_POLL_MS = 20;
const VISIBILITY_TRIES = 100;

/**
 * `GET /sync/events`: server-sent events for the token's organization. The token may come as
 * `access_token` (EventSource cannot send headers). Each commit notified by the database
 * (from any instance) becomes one `changes` event, once a pull can see it: a commit held back
 * behind an older running transaction is announced only when that one has finished.
 */
export function eventRoutes(app: FastifyInstance, ctx: AppContext, streams: LiveStreams): void {
  app.get('/sync/events', async (request, reply) => {
    const actor = await authenticate(request, ctx.tokens, true);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    });
    res.write('retry: 3000\n: connected\n\n');

    let pendingXid: bigint | null = null;
    let timer: NodeJS.Timeout | null = null;
    let closed = false;

    const emit = async () => {
      timer = null;
      const xid = pendingXid;
      pendingXid = null;
      if (xid === null || closed) return;
      for (let i = 0; i < VISIBILITY_TRIES && !closed && !(await isVisible(ctx.db, xid.toString())); i++) {
        await new Promise((resolve) => setTimeout(resolve, VISIBILITY_POLL_MS));
      }
      if (closed) return;
      const position = await headPosition(ctx.db, actor.organizationId);
      const cursor = ctx.cursors.encode({ k: 'log', ...position, a: Date.now() });
      res.write(`event: ${CHANGES_EVENT}\ndata: ${JSON.stringify({ cursor })}\n\n`);
    };
    const onChange = (xid: string) => {
      const value = /^\d+$/.test(xid) ? BigInt(xid) : 0n;
      if (pendingXid === null || value > pendingXid) pendingXid = value;
      timer ??= setTimeout(() => {
        emit().catch((err) => request.log.warn({ err }, 'live event failed'));
      }, COALESCE_MS);
    };
    const unsubscribe = ctx.notifier.subscribe(actor.organizationId, onChange);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), ctx.config.heartbeatMs ?? 20_000);
    const end = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
      unsubscribe();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    request.raw.on('close', end);
  });
}
