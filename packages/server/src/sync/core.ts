import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PullResponse, PushResponse } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import { resolvedLimits } from '../config';
import type { SyncContext } from '../context';
import type { Database } from '../db/database';
import { DEFAULT_LOAD_LIMITS, type LoadLimits, STREAM_LEASE_MS } from '../load/limits';
import { PushAdmission } from '../load/push-admission';
import { StreamSlots } from '../load/stream-slots';
import { CursorCodec } from './cursor';
import { LiveStreams, openLiveEvents } from './events';
import { ChangeNotifier } from './notifier';
import { pullChanges } from './pull-route';
import { pushChanges } from './push-route';

/** What {@link createSyncCore} needs (docs/adopting.md, "Mounting the sync contract"). */
export interface SyncCoreOptions {
  /** The application's PostgreSQL (or PGlite) database, migrated: see `migrate`. */
  database: Database;
  /** The secret that signs pull cursors (HMAC-SHA256); every instance on one database shares it. */
  cursorSecret: string;
  /** Changes per push and bytes per push body (default: the contract's `PUSH_LIMITS`). */
  limits?: { maxChanges?: number; maxBytes?: number };
  /** Interval of the live stream's heartbeat comment, ms (default 20 s). */
  heartbeatMs?: number;
  /** Each organization's and user's share of the work (docs/server.md, "Load and fairness"). */
  load?: Partial<LoadLimits>;
}

/**
 * The sync contract (docs/sync-protocol.md) as framework-neutral functions. The caller
 * authenticates the request and passes the actor; errors are thrown as `WampumsError` (map them
 * with `errorResponseOf`).
 */
export interface SyncCore {
  /** `POST /sync/push`: `body` is the parsed JSON body. */
  push(actor: Actor, body: unknown): Promise<PushResponse>;
  /**
   * `GET /sync/pull`: `query` holds the query parameters (`cursor`, `limit`, `clientId`);
   * `protocol`, the client's version (`protocolOfRequest` of its `x-wampums-protocol` header).
   */
  pull(actor: Actor, query: unknown, protocol?: number): Promise<PullResponse>;
  /**
   * `GET /sync/events`: writes the server-sent events stream on `res` until the client leaves,
   * or, given `isActive`, until it answers false at a heartbeat (the caller's session ended).
   */
  events(
    actor: Actor,
    req: IncomingMessage,
    res: ServerResponse,
    onError?: (err: unknown) => void,
    isActive?: (actor: Actor) => Promise<boolean>,
  ): void;
  /** Ends every open live stream (before an HTTP server closes, or it waits for them). */
  endStreams(): void;
  /** Ends the streams and stops listening for changes. The database stays open: it is the caller's. */
  close(): Promise<void>;
  /** What the Fastify plugin mounts; not needed to call the functions above. */
  readonly context: SyncContext;
  readonly streams: LiveStreams;
}

/** The core over an existing context (the standalone server's, whose notifier it starts itself). */
export function syncCoreOf(context: SyncContext, streams: LiveStreams): SyncCore {
  return {
    push: (actor, body) => pushChanges(context, actor, body),
    pull: (actor, query, protocol) => pullChanges(context, actor, query, protocol),
    events: (actor, req, res, onError, isActive) =>
      openLiveEvents(context, streams, actor, req, res, onError, isActive),
    endStreams: () => {
      void streams.endAll();
    },
    async close() {
      await streams.endAll();
      await context.notifier.stop();
    },
    context,
    streams,
  };
}

/** Creates the sync core on `options.database` and starts listening for its changes. */
export async function createSyncCore(options: SyncCoreOptions): Promise<SyncCore> {
  if (typeof options.cursorSecret !== 'string' || options.cursorSecret.length < 16) {
    throw new Error('createSyncCore: cursorSecret must be a string of at least 16 characters');
  }
  const notifier = new ChangeNotifier();
  await notifier.start(options.database);
  const load = { ...DEFAULT_LOAD_LIMITS, ...options.load };
  return syncCoreOf(
    {
      config: options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {},
      db: options.database,
      cursors: new CursorCodec(options.cursorSecret),
      notifier,
      limits: resolvedLimits({ limits: options.limits ?? {} }),
      admission: new PushAdmission(load),
    },
    new LiveStreams(new StreamSlots(options.database, load.streamsPerUser, STREAM_LEASE_MS)),
  );
}
