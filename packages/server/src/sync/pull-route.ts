import { pullQuerySchema } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import { authenticateReader } from '../auth/read-access';
import type { AppContext } from '../context';
import { parseOrThrow } from '../errors';
import { pullPage } from './pull';

/** `GET /sync/pull?cursor=&limit=&clientId=`. */
export function pullRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/sync/pull', async (request) => {
    const reader = await authenticateReader(request, ctx);
    const query = parseOrThrow(pullQuerySchema, request.query, 'query');
    const page = await pullPage(
      ctx.db,
      ctx.cursors,
      reader,
      query.cursor,
      query.limit,
      Date.now(),
      query.clientId ?? null,
    );
    return { data: { ...page, serverTime: new Date().toISOString() } };
  });
}
