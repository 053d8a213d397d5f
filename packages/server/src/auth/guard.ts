import { WampumsError } from '@wampums/schema';
import type { FastifyRequest } from 'fastify';
import type { Actor, TokenService } from './tokens';

/** The bearer token of a request, or (only where allowed) its `access_token` query parameter. */
export function tokenOf(request: FastifyRequest, allowQuery = false): string | null {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] ?? null;
  }
  if (allowQuery) {
    const value = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}

/** Verifies the caller's token and stores the actor on the request; 401 without a valid one. */
export async function authenticate(
  request: FastifyRequest,
  tokens: TokenService,
  allowQuery = false,
): Promise<Actor> {
  const token = tokenOf(request, allowQuery);
  if (!token) throw new WampumsError('unauthorized', 'Missing bearer token');
  const actor = await tokens.verify(token);
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
