import { pullQuerySchema } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../auth/guard';
import type { AppContext } from '../context';
import { parseOrThrow } from '../errors';
import { pullPage } from './pull';

/** `GET /sync/pull?cursor=&limit=&clientId=`. */
export function pullRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/sync/pull', async (request) => {
    const actor = await authenticate(request, ctx.tokens);
    const query = parseOrThrow(pullQuerySchema, request.query, 'query');
    const page = await pullPage(
      ctx.db,
      ctx.cursors,
      actor.organizationId,
      query.cursor,
      query.limit,
      Date.now(),
      query.clientId ?? null,
    );
    return { data: { ...page, serverTime: new Date().toISOString() } };
  });
}
