import { PROTOCOL_HEADER, PROTOCOL_VERSION, type PullResponse, pullQuerySchema } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../auth/tokens';
import type { SyncContext } from '../context';
import { parseOrThrow } from '../errors';
import type { SyncAuth } from './auth-adapter';
import { assertClientIdOf } from './client-binding';
import { protocolOfRequest } from './protocol-version';
import { pullPage } from './pull';

/** `GET /sync/pull?cursor=&limit=&clientId=`. */
export function pullRoutes(app: FastifyInstance, ctx: SyncContext, auth: SyncAuth): void {
  app.get('/sync/pull', async (request) =>
    pullChanges(
      ctx,
      await auth.authenticate(request, { live: false }),
      request.query,
      protocolOfRequest(request.headers[PROTOCOL_HEADER]),
    ),
  );
}

/**
 * The pull of `actor`, whatever server parsed `queryParams` (framework-neutral: docs/adopting.md);
 * `protocol`: the client's (`protocolOfRequest`), whose page holds only the types it knows.
 */
export async function pullChanges(
  ctx: SyncContext,
  actor: Actor,
  queryParams: unknown,
  protocol: number = PROTOCOL_VERSION,
): Promise<PullResponse> {
  const query = parseOrThrow(pullQuerySchema, queryParams, 'query');
  if (query.clientId) await assertClientIdOf(ctx.db, actor, query.clientId);
  const page = await pullPage(
    ctx.db,
    ctx.cursors,
    // Read rules apply with the actor's role (docs/privacy.md): the standalone server's
    // authentication reads it from the users table on every request (tokenAuth).
    { organizationId: actor.organizationId, role: actor.role },
    query.cursor,
    query.limit,
    Date.now(),
    query.clientId ?? null,
    protocol,
  );
  return { data: { ...page, serverTime: new Date().toISOString() } };
}
