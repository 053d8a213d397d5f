import type { FastifyRequest } from 'fastify';
import { authenticate } from '../auth/guard';
import type { Actor, TokenService } from '../auth/tokens';

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

/** The standalone server's authentication: its own bearer tokens (docs/server.md). */
export function tokenAuth(tokens: TokenService): SyncAuth {
  return { authenticate: (request, { live }) => authenticate(request, tokens, live) };
}
