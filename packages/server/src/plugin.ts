import { API_BASE, PROTOCOL_HEADER, PROTOCOL_VERSION } from '@wampums/schema';
import type { FastifyPluginAsync } from 'fastify';
import { handleError } from './errors';
import type { SyncAuth } from './sync/auth-adapter';
import { createSyncCore, type SyncCore, type SyncCoreOptions } from './sync/core';
import { eventRoutes } from './sync/events';
import { protocolOfRequest } from './sync/protocol-version';
import { pullRoutes } from './sync/pull-route';
import { pushRoutes } from './sync/push-route';

/**
 * Options of {@link wampumsSync}: who calls (`auth`), and either the database to sync (the
 * plugin then creates its core and stops it when the app closes) or a `core` made beforehand.
 */
export type WampumsSyncOptions = { auth: SyncAuth } & (
  | (Omit<SyncCoreOptions, 'database'> & { database: SyncCoreOptions['database']; core?: never })
  | { core: SyncCore; database?: never }
);

/**
 * The sync contract as a Fastify plugin: `POST /api/v1/sync/push`, `GET /api/v1/sync/pull`
 * and `GET /api/v1/sync/events` (docs/sync-protocol.md), below the prefix it is registered
 * with. Its errors answer the contract's body (`{"error":{code,message}}`) whatever the host
 * app's own error handler does; the host keeps its routes, hooks and authentication.
 *
 * ```js
 * await app.register(wampumsSync, { database, auth, cursorSecret });
 * ```
 */
export const wampumsSync: FastifyPluginAsync<WampumsSyncOptions> = async (app, options) => {
  if (typeof options.auth?.authenticate !== 'function') {
    throw new Error('wampumsSync: options.auth.authenticate(request, { live }) is required');
  }
  const core = options.core ?? (await createSyncCore(options as SyncCoreOptions));
  // Open live streams would hold the app's close until their clients leave.
  app.addHook('preClose', async () => core.endStreams());
  if (!options.core) app.addHook('onClose', async () => core.close());
  app.setErrorHandler(handleError);
  // A client older than the server serves is told to update (426), whatever the route.
  app.addHook('onRequest', async (request) => {
    protocolOfRequest(request.headers[PROTOCOL_HEADER]);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    return payload;
  });
  await app.register(
    async (api) => {
      pushRoutes(api, core.context, options.auth);
      pullRoutes(api, core.context, options.auth);
      eventRoutes(api, core.context, core.streams, options.auth);
    },
    { prefix: API_BASE },
  );
};
