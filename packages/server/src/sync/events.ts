import type { IncomingMessage, ServerResponse } from 'node:http';
import { CHANGES_EVENT, PROTOCOL_HEADER, PROTOCOL_VERSION, WampumsError } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../auth/tokens';
import type { SyncContext } from '../context';
import { errorResponseOf } from '../errors';
import type { StreamSlots } from '../load/stream-slots';
import type { SyncAuth } from './auth-adapter';
import { headPosition, isVisible } from './log-position';

/** A stream's way to hear its organization's new cursors. */
type CursorListener = (cursor: string) => void;

/**
 * One organization's commits as followed by this instance: one visibility check and one head
 * read per commit (coalesced over {@link COALESCE_MS}), whatever the number of its open streams,
 * each of which is handed the same cursor (docs/server.md, "Live channel").
 */
class OrganizationFollower {
  readonly listeners = new Set<CursorListener>();
  private pendingXid: bigint | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: SyncContext,
    private readonly organizationId: number,
    private readonly counts: { headReads: number },
    private readonly onError: (err: unknown) => void,
  ) {
    this.unsubscribe = ctx.notifier.subscribe(organizationId, (xid) => this.onChange(xid));
  }

  private onChange(xid: string): void {
    const value = /^\d+$/.test(xid) ? BigInt(xid) : 0n;
    if (this.pendingXid === null || value > this.pendingXid) this.pendingXid = value;
    this.timer ??= setTimeout(() => {
      this.emit().catch(this.onError);
    }, COALESCE_MS);
  }

  private async emit(): Promise<void> {
    this.timer = null;
    const xid = this.pendingXid;
    this.pendingXid = null;
    if (xid === null || this.stopped) return;
    const { db } = this.ctx;
    const deadline = Date.now() + VISIBILITY_WAIT_MS;
    let pause = VISIBILITY_POLL_MS.first;
    let visible = await isVisible(db, xid.toString());
    while (!visible && !this.stopped && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, VISIBILITY_POLL_MS.max);
      visible = await isVisible(db, xid.toString());
    }
    if (this.stopped || !visible) return;
    this.counts.headReads += 1;
    const position = await headPosition(db, this.organizationId);
    const cursor = this.ctx.cursors.encode({ k: 'log', ...position, a: Date.now() });
    for (const listener of [...this.listeners]) listener(cursor);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
  }
}

/**
 * The open live-channel streams of this instance, ended on shutdown; the organizations they
 * follow, read once per commit for all of their streams; and, when given, the per-user stream
 * slots shared by every instance on the database (`load/stream-slots.ts`).
 */
export class LiveStreams {
  private readonly open = new Set<() => void>();
  private readonly followers = new Map<number, OrganizationFollower>();
  private readonly counts = { headReads: 0 };
  private ending = false;

  constructor(readonly slots: StreamSlots | null = null) {}

  add(end: () => void): void {
    this.open.add(end);
  }
  delete(end: () => void): void {
    this.open.delete(end);
  }
  get size(): number {
    return this.open.size;
  }
  /** Reads of an organization's head position so far: one per commit, not one per stream. */
  get headReads(): number {
    return this.counts.headReads;
  }
  /** True once {@link endAll} ran: the slots are then given back all at once. */
  get isEnding(): boolean {
    return this.ending;
  }

  /**
   * Calls `onCursor` with a cursor after each commit of `organizationId` a pull can see; the
   * returned function stops. Every stream of the organization shares one follower.
   */
  follow(
    ctx: SyncContext,
    organizationId: number,
    onCursor: CursorListener,
    onError: (err: unknown) => void = () => {},
  ): () => void {
    let follower = this.followers.get(organizationId);
    if (!follower) {
      follower = new OrganizationFollower(ctx, organizationId, this.counts, onError);
      this.followers.set(organizationId, follower);
    }
    const own = follower;
    own.listeners.add(onCursor);
    return () => {
      own.listeners.delete(onCursor);
      if (own.listeners.size === 0 && this.followers.get(organizationId) === own) {
        own.stop();
        this.followers.delete(organizationId);
      }
    };
  }

  /** Ends every stream and gives their slots back in one statement. */
  async endAll(): Promise<void> {
    this.ending = true;
    for (const end of [...this.open]) end();
    await this.slots?.releaseAll().catch(() => {});
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
  let gone = false;
  req.once('close', () => {
    gone = true;
  });
  const slot = streams.slots ? streams.slots.acquire(actor) : Promise.resolve(null);
  slot.then(
    (slotId) => {
      if (gone || streams.isEnding) {
        if (slotId) streams.slots?.release(slotId).catch(onError);
        res.end();
        return;
      }
      stream(ctx, streams, actor, req, res, slotId, onError, isActive);
    },
    (error: unknown) => {
      // Refused before the stream began (a 429 over the user's streams, a 503 of a busy
      // database): an ordinary error answer, with `Retry-After` (EventSource retries on its own).
      const { status, body, retryAfterSeconds } = errorResponseOf(error);
      if (status >= 500 && !(error instanceof WampumsError)) onError(error);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        ...(retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : {}),
      });
      res.end(JSON.stringify(body));
    },
  );
}

function stream(
  ctx: SyncContext,
  streams: LiveStreams,
  actor: Actor,
  req: IncomingMessage,
  res: ServerResponse,
  slotId: string | null,
  onError: (err: unknown) => void,
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

  let closed = false;
  const unfollow = streams.follow(
    ctx,
    actor.organizationId,
    (cursor) => {
      if (!closed) res.write(`event: ${CHANGES_EVENT}\ndata: ${JSON.stringify({ cursor })}\n\n`);
    },
    onError,
  );
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
    unfollow();
    streams.delete(end);
    // On shutdown the slots go back all at once (LiveStreams.endAll).
    if (slotId && !streams.isEnding) streams.slots?.release(slotId).catch(onError);
    res.end();
  };
  streams.add(end);
  req.on('close', end);
}
