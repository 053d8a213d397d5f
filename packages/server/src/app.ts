import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { API_BASE, PROTOCOL_HEADER, PROTOCOL_VERSION, WampumsError } from '@wampums/schema';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { tokenOf } from './auth/guard';
import { authRoutes } from './auth/routes';
import type { AppContext } from './context';
import { entityRoutes } from './entities/routes';
import { errorBody, handleError } from './errors';
import { postgresRateLimitStore } from './load/rate-limit-store';
import { safeError, safeRequest } from './log-safety';
import { memberRoutes } from './members/routes';
import { wampumsSync } from './plugin';
import { registerStatic } from './static';
import { tokenAuth } from './sync/auth-adapter';
import { syncCoreOf } from './sync/core';
import type { LiveStreams } from './sync/events';
import { protocolOfRequest } from './sync/protocol-version';

/**
 * A CSP that lets the PWA run: its own scripts, styles (inline ones too: the UI library sets
 * style attributes), the service worker, the manifest and same-origin API calls. No
 * `upgrade-insecure-requests`: the app is served over plain http on 127.0.0.1 in development.
 */
const CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** A health check answers within this, ms: 503 when the database did not answer in time. */
const HEALTH_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('health check timed out')), ms);
  });
  promise.catch(() => {});
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Builds the Fastify app: plugins, error mapping, the API under `/api/v1`, and the PWA. */
export async function buildApp(ctx: AppContext, streams: LiveStreams): Promise<FastifyInstance> {
  const options: FastifyServerOptions = {
    logger: {
      level: ctx.config.logLevel ?? 'info',
      serializers: { req: safeRequest, err: safeError },
      ...(ctx.config.logStream ? { stream: ctx.config.logStream } : {}),
    },
    bodyLimit: ctx.limits.maxBytes,
    // Node's own request timeout is off under Fastify unless set: a slow body must not hold a socket.
    requestTimeout: ctx.config.requestTimeoutMs ?? 30_000,
    // Finish in-flight requests on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // The client's address from X-Forwarded-For only behind a configured proxy (sign-in throttling).
    ...(ctx.config.trustProxy !== undefined ? { trustProxy: ctx.config.trustProxy } : {}),
  };
  const app = Fastify(options);
  app.decorateRequest('actor', null);
  app.setErrorHandler(handleError);

  // JSON only: any other body type is a 415.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body (a bare POST /auth/refresh) is no body, not a syntax error.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    jsonParser(request, body as string, done);
  });

  // A request body must arrive within the timeout. Node checks its own requestTimeout only every
  // 30 s, so a body dripping in byte by byte (slow loris) is cut here, on time.
  const bodyTimeoutMs = ctx.config.requestTimeoutMs ?? 30_000;
  app.addHook('onRequest', async (request) => {
    const raw = request.raw;
    if (raw.complete) return;
    const timer = setTimeout(() => {
      if (!raw.complete) raw.socket.destroy();
    }, bodyTimeoutMs);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
  });

  // A client older than the server serves is told to update (426) on any API route, sign-in
  // included (docs/sync-protocol.md, "Versions").
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith(`${API_BASE}/`)) protocolOfRequest(request.headers[PROTOCOL_HEADER]);
  });

  // Once closing, answers end their keep-alive connection, so shutdown is not held open by an
  // idle socket of a request that was still running when it began.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    // API answers hold a token or an organization's records: no browser or proxy cache keeps
    // them (`docs/privacy.md`); the app keeps what it needs in IndexedDB.
    if (request.url.startsWith(`${API_BASE}/`)) reply.header('Cache-Control', 'no-store');
    if (closing) reply.header('Connection', 'close');
    return payload;
  });

  await app.register(helmet, { contentSecurityPolicy: CSP, crossOriginEmbedderPolicy: false });

  if (ctx.config.rateLimit !== false) {
    const { max, timeWindow } = ctx.config.rateLimit;
    await app.register(rateLimit, {
      max,
      timeWindow,
      // Counted in PostgreSQL, which every instance on it shares; an embedded database has a
      // single instance, whose memory is the whole count.
      ...(ctx.db.kind === 'postgres' ? { store: postgresRateLimitStore(ctx.db) } : {}),
      // Per signed-in user, read from a genuine token only (several leaders behind one camp
      // router must not share a budget, and junk bearer tokens must not each get a fresh one);
      // per address otherwise.
      keyGenerator: async (request) => {
        const token = tokenOf(request);
        if (token) {
          const verified = await ctx.tokens.verify(token).catch(() => null);
          if (verified) return `user:${verified.actor.userId}`;
        }
        return `address:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        new WampumsError('rate_limited', `Too many requests; retry in ${context.after}`),
    });
  }

  // The sync contract, mounted exactly as another app mounts it (docs/adopting.md).
  await app.register(wampumsSync, { core: syncCoreOf(ctx, streams), auth: tokenAuth(ctx) });

  await app.register(
    async (api) => {
      // Not rate limited: a load balancer's checks would spend a budget and count in the database.
      api.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
        try {
          // Ahead of queued work, and never longer than the check's own deadline.
          const ping = ctx.db.ping ? ctx.db.ping() : ctx.db.query('SELECT 1').then(() => {});
          await withTimeout(ping, HEALTH_TIMEOUT_MS);
          return { data: { status: 'ok', database: ctx.db.kind } };
        } catch {
          return reply.status(503).send(errorBody('service_unavailable', 'The database is not reachable'));
        }
      });
      authRoutes(api, ctx);
      memberRoutes(api, ctx);
      entityRoutes(api, ctx);
    },
    { prefix: API_BASE },
  );

  if (ctx.config.pwaDir) await registerStatic(app, ctx.config.pwaDir);

  app.setNotFoundHandler(async (request, reply) => {
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/');
    if (isPage && ctx.config.pwaDir) {
      // SPA fallback: the client-side router handles the path.
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    return reply
      .status(404)
      .send(errorBody('not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
  });

  return app;
}
