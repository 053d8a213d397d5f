import { WampumsError } from '@wampums/schema';
import type { FastifyRequest } from 'fastify';
import { type AuthDeps, authenticate } from '../auth/guard';
import { isSessionOpen, issueTicket } from '../auth/sessions';
import type { Actor } from '../auth/tokens';

/**
 * How the sync plugin learns who is calling (docs/adopting.md, "Authentication"). The actor's
 * organization and user are the only ones the sync routes ever read or write: they must come
 * from the caller's session or token, never from the request body or query.
 */
export interface SyncAuth {
  /**
   * The caller of `request`, or a thrown `WampumsError('unauthorized')` (401). `live` is true
   * for the live-events stream, which a browser opens with `EventSource`: it cannot send an
   * `Authorization` header, so a cookie session or a single-use ticket (`issueTicket`) must do
   * there. Never accept a token in the URL.
   */
  authenticate(request: FastifyRequest, use: { live: boolean }): Promise<Actor>;
  /**
   * Optional: a short-lived, single-use ticket for the caller (already authenticated as
   * `actor`) to open one live stream with `GET /sync/events?ticket=` (`POST
   * /sync/events/ticket`). Without it that route answers 404 and a browser opens the stream
   * with its cookie.
   */
  issueTicket?(actor: Actor, request: FastifyRequest): Promise<{ ticket: string; expiresAt: string }>;
  /**
   * Optional: whether the actor's session is still open; an open live stream asks at each
   * heartbeat and ends once it is not (a sign-out or a revoked session closes the stream).
   */
  isActive?(actor: Actor): Promise<boolean>;
}

/**
 * The standalone server's authentication: its own bearer tokens and sessions (docs/server.md,
 * "Sessions"), with the role the users table holds now; the live stream opens with a ticket.
 */
export function tokenAuth(deps: AuthDeps): SyncAuth {
  return {
    authenticate: (request, { live }) => authenticate(request, deps, { ticket: live }),
    issueTicket: async (actor) => {
      if (!actor.sessionId) throw new WampumsError('unauthorized', 'No session');
      return issueTicket(deps.db, actor.sessionId);
    },
    isActive: async (actor) => (actor.sessionId ? isSessionOpen(deps.db, actor.sessionId) : true),
  };
}
