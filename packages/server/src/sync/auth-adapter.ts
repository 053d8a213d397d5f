import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/guard';
import { currentRole } from '../auth/read-access';
import type { Actor, TokenService } from '../auth/tokens';
import type { Queryable } from '../db/database';

/**
 * How the sync plugin learns who is calling (docs/adopting.md, "Authentication"). The actor's
 * organization and user are the only ones the sync routes ever read or write: they must come
 * from the caller's session or token, never from the request body or query.
 */
export interface SyncAuth {
  /**
   * The caller of `request`, or a thrown `WampumsError('unauthorized')` (401). `live` is true
   * for the live-events stream, which a browser opens with `EventSource`: it cannot send an
   * `Authorization` header, so a cookie session or a query credential must do there.
   */
  authenticate(request: FastifyRequest, use: { live: boolean }): Promise<Actor>;
}

/**
 * The standalone server's authentication: its own bearer tokens (docs/server.md), with the role
 * the users table holds now rather than the one the token was signed with, so a demotion takes
 * effect at the device's next request (read rules: docs/privacy.md).
 */
export function tokenAuth(tokens: TokenService, db: Queryable): SyncAuth {
  return {
    authenticate: async (request, { live }) => {
      const actor = await authenticate(request, tokens, live);
      return { ...actor, role: await currentRole(db, actor) };
    },
  };
}
