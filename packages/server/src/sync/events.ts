import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHANGES_EVENT, PROTOCOL_HEADER, PROTOCOL_VERSION, WampumsError } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../auth/tokens';
import type { SyncContext } from '../context';
import type { SyncAuth } from './auth-adapter';
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
/**
 * An event is sent once the commit is visible to a pull (every older transaction on the
 * PostgreSQL server has finished); a client pulling earlier would find nothing and wait for its
 * periodic pull. Checks start every 20 ms and slow down to 250 ms; after 60 s the client's own
 * periodic pull has long taken over.
 */
const VISIBILITY_POLL_MS = { first: 20, max: 250 };
const VISIBILITY_WAIT_MS = 60_000;

/**
 * `GET /sync/events`: server-sent events for the caller's organization. A browser's
 * `EventSource` cannot send headers and a URL lands in access logs, so the stream opens with a
 * single-use ticket from `POST /sync/events/ticket` (`?ticket=`), or the host app's cookie; a
 * token in the URL is refused (docs/sync-protocol.md, "Live channel"). Each commit notified by the database
 * (from any instance) becomes one `changes` event, once a pull can see it: a commit held back
 * behind an older running transaction is announced only when that one has finished.
 */
export function eventRoutes(
  app: FastifyInstance,
  ctx: SyncContext,
  streams: LiveStreams,
  auth: SyncAuth,
): void {
  app.post('/sync/events/ticket', async (request) => {
    if (!auth.issueTicket)
      throw new WampumsError('not_found', 'This server opens live streams without tickets');
    const actor = await auth.authenticate(request, { live: false });
    return { data: await auth.issueTicket(actor, request) };
  });

  app.get('/sync/events', async (request, reply) => {
    const actor = await auth.authenticate(request, { live: true });
    reply.hijack();
    const isActive = auth.isActive?.bind(auth);
    openLiveEvents(
      ctx,
      streams,
      actor,
      request.raw,
      reply.raw,
      (err) => request.log.warn({ err }, 'live event failed'),
      isActive,
    );
  });
}

/**
 * The live stream of `actor` on a Node response, whatever server accepted the request
 * (framework-neutral: docs/adopting.md). It ends when the client goes away or `streams.endAll()`.
 */
export function openLiveEvents(
  ctx: SyncContext,
  streams: LiveStreams,
  actor: Actor,
  req: IncomingMessage,
  res: ServerResponse,
  onError: (err: unknown) => void = () => {},
  isActive?: (actor: Actor) => Promise<boolean>,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store, no-transform',
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
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    let pause = VISIBILITY_POLL_MS.first;
    let visible = await isVisible(ctx.db, xid.toString());
    while (!visible && !closed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, VISIBILITY_POLL_MS.max);
      visible = await isVisible(ctx.db, xid.toString());
    }
    if (closed || !visible) return;
    const position = await headPosition(ctx.db, actor.organizationId);
    const cursor = ctx.cursors.encode({ k: 'log', ...position, a: Date.now() });
    res.write(`event: ${CHANGES_EVENT}\ndata: ${JSON.stringify({ cursor })}\n\n`);
  };
  const onChange = (xid: string) => {
    const value = /^\d+$/.test(xid) ? BigInt(xid) : 0n;
    if (pendingXid === null || value > pendingXid) pendingXid = value;
    timer ??= setTimeout(() => {
      emit().catch(onError);
    }, COALESCE_MS);
  };
  const unsubscribe = ctx.notifier.subscribe(actor.organizationId, onChange);
  // Each heartbeat also asks whether the session is still open: a signed-out or revoked
  // session's stream ends within one heartbeat (its reconnection is then refused).
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    if (!isActive) return;
    isActive(actor).then(
      (open) => {
        if (!open) end();
      },
      (err) => onError(err),
    );
  }, ctx.config.heartbeatMs ?? 20_000);
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
  req.on('close', end);
}
