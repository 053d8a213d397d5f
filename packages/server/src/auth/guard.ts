import { WampumsError } from '@wampums/schema';
import type { FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database';
import { type OpenSession, requireOpenSession, takeTicket } from './sessions';
import type { Actor, TokenService, VerifiedToken } from './tokens';

/** What authenticating a request reads: the token keys and the sessions table. */
export interface AuthDeps {
  tokens: TokenService;
  db: Queryable;
}

/** The bearer token of a request's `Authorization` header. Tokens never come in a URL. */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

function queryOf(request: FastifyRequest): Record<string, unknown> {
  return (request.query as Record<string, unknown> | undefined) ?? {};
}

/**
 * Refuses a token in the query string (400 `token_in_url`): URLs land in access logs and
 * browser history. The live stream takes a single-use ticket instead (docs/sync-protocol.md).
 */
export function refuseTokenInUrl(request: FastifyRequest): void {
  if (Object.hasOwn(queryOf(request), 'access_token')) {
    throw new WampumsError(
      'token_in_url',
      'Tokens are not accepted in a URL: send an Authorization header, or open the live stream with a ticket',
    );
  }
}

/** A request's verified token and its open session (401 `unauthorized`, `token_expired`, `session_revoked`). */
export async function verifiedSession(
  request: FastifyRequest,
  deps: AuthDeps,
): Promise<{ token: VerifiedToken; session: OpenSession }> {
  refuseTokenInUrl(request);
  const raw = tokenOf(request);
  if (!raw) throw new WampumsError('unauthorized', 'Missing bearer token');
  const token = await deps.tokens.verify(raw);
  const session = await requireOpenSession(deps.db, token.actor, token.sessionId);
  return { token, session };
}

/**
 * Verifies the caller and stores the actor on the request, with the role the users table holds
 * now (a role change ends the session anyway). With `ticket`, a request without a bearer token
 * may present a live-stream ticket (`?ticket=`), which is used up.
 */
export async function authenticate(
  request: FastifyRequest,
  deps: AuthDeps,
  options: { ticket?: boolean } = {},
): Promise<Actor> {
  refuseTokenInUrl(request);
  const ticket = queryOf(request).ticket;
  let actor: Actor;
  if (options.ticket && !tokenOf(request) && typeof ticket === 'string' && ticket.length > 0) {
    const taken = await takeTicket(deps.db, ticket);
    const base = { userId: taken.userId, organizationId: taken.organizationId, sessionId: taken.sessionId };
    const session = await requireOpenSession(deps.db, { ...base, role: 'viewer' }, taken.sessionId);
    actor = { ...base, role: session.role };
  } else {
    const { token, session } = await verifiedSession(request, deps);
    actor = { ...token.actor, role: session.role };
  }
  request.actor = actor;
  return actor;
}

/** Refuses writes by viewers (403 `forbidden`). */
export function assertCanWrite(actor: Actor): void {
  if (actor.role === 'viewer') throw new WampumsError('forbidden', 'Viewers cannot change records');
}

/** The actor set by the auth hook. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new WampumsError('unauthorized', 'Missing bearer token');
  return request.actor;
}
