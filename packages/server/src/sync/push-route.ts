import { pushChangeSchema, pushRequestSchema, WampumsError } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import { assertCanWrite, authenticate } from '../auth/guard';
import type { AppContext } from '../context';
import { issuesOf, parseOrThrow } from '../errors';
import { applyWrite } from '../writes/apply-write';
import { toPushResult } from '../writes/outcome-to-result';
import { RequestTempIds } from '../writes/temp-ids';

/** `POST /sync/push`: the changes in the order given, each atomically on its own. */
export function pushRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/sync/push', async (request) => {
    const actor = await authenticate(request, ctx.tokens);
    // A viewer's push is refused whole, before anything is looked at.
    assertCanWrite(actor);
    const envelope = parseOrThrow(pushRequestSchema, request.body, 'push envelope');
    if (envelope.changes.length > ctx.limits.maxChanges) {
      throw new WampumsError('payload_too_large', `At most ${ctx.limits.maxChanges} changes per push`, {
        maxChanges: ctx.limits.maxChanges,
      });
    }
    const ids = new RequestTempIds();
    const results = [];
    for (const raw of envelope.changes) {
      const parsed = pushChangeSchema.safeParse(raw);
      if (!parsed.success) {
        const given = (raw as { correlationId?: unknown } | null)?.correlationId;
        results.push({
          status: 'rejected' as const,
          correlationId: typeof given === 'string' ? given.slice(0, 100) : '',
          error: { code: 'validation_failed', message: 'Invalid change', details: issuesOf(parsed.error) },
        });
        continue;
      }
      const change = parsed.data;
      const outcome = await applyWrite(
        ctx.db,
        actor,
        {
          entityType: change.entityType,
          operation: change.operation,
          entityId: change.entityId,
          tempId: change.tempId ?? null,
          payload: change.payload,
          baseUpdatedAt: change.baseUpdatedAt ?? null,
          correlationId: change.correlationId,
          dependencies: change.dependencies ?? [],
        },
        ids,
      );
      results.push(toPushResult(change.correlationId, outcome));
    }
    return { data: { results, serverTime: new Date().toISOString() } };
  });
}
