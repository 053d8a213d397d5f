import {
  correctedEditTime,
  type PushResponse,
  type PushResult,
  pushChangeSchema,
  pushRequestSchema,
  WampumsError,
} from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import { assertCanWrite } from '../auth/guard';
import { readableOutcome } from '../auth/read-access';
import type { Actor } from '../auth/tokens';
import type { SyncContext } from '../context';
import { issuesOf, parseOrThrow } from '../errors';
import { applyWrites } from '../writes/apply-write';
import { toPushResult } from '../writes/outcome-to-result';
import { RequestTempIds } from '../writes/temp-ids';
import type { WriteRequest } from '../writes/write-types';
import type { SyncAuth } from './auth-adapter';
import { bindClientId } from './client-binding';

/**
 * `POST /sync/push`: the changes in the order given, each atomically on its own (a savepoint
 * each, one transaction per chunk of changes: see `applyWrites`).
 */
export function pushRoutes(app: FastifyInstance, ctx: SyncContext, auth: SyncAuth): void {
  // The host app's body limit may be lower than the contract's (docs/sync-protocol.md).
  app.post('/sync/push', { bodyLimit: ctx.limits.maxBytes }, async (request) =>
    pushChanges(ctx, await auth.authenticate(request, { live: false }), request.body),
  );
}

/** The push of `actor`, whatever server received `body` (framework-neutral: docs/adopting.md). */
export async function pushChanges(ctx: SyncContext, actor: Actor, body: unknown): Promise<PushResponse> {
  // A viewer's push is refused whole, before anything is looked at.
  assertCanWrite(actor);
  const envelope = parseOrThrow(pushRequestSchema, body, 'push envelope');
  if (envelope.changes.length > ctx.limits.maxChanges) {
    throw new WampumsError('payload_too_large', `At most ${ctx.limits.maxChanges} changes per push`, {
      maxChanges: ctx.limits.maxChanges,
    });
  }
  // Within the organization's and the user's share of this instance, or a 429 with nothing written.
  const admission = await ctx.admission.admit(actor, envelope.changes.length);
  try {
    return await applyPush(ctx, actor, envelope);
  } finally {
    admission.release();
  }
}

async function applyPush(
  ctx: SyncContext,
  actor: Actor,
  envelope: { clientId: string; changes: unknown[]; sentAt?: number },
): Promise<PushResponse> {
  await bindClientId(ctx.db, actor, envelope.clientId);
  // The device's clock offset, measured on this request (docs/sync-protocol.md, "Edit times").
  const receivedAt = Date.now();
  const clockOffsetMs = envelope.sentAt === undefined ? 0 : receivedAt - envelope.sentAt;
  // Invalid changes are answered in place; the valid ones go through the write path together.
  const results: (PushResult | null)[] = [];
  const valid: { index: number; correlationId: string; request: WriteRequest }[] = [];
  for (const raw of envelope.changes) {
    const parsed = pushChangeSchema.safeParse(raw);
    if (!parsed.success) {
      const given = (raw as { correlationId?: unknown } | null)?.correlationId;
      results.push({
        status: 'rejected',
        correlationId: typeof given === 'string' ? given.slice(0, 100) : '',
        error: { code: 'validation_failed', message: 'Invalid change', details: issuesOf(parsed.error) },
      });
      continue;
    }
    const change = parsed.data;
    valid.push({
      index: results.length,
      correlationId: change.correlationId,
      request: {
        entityType: change.entityType,
        operation: change.operation,
        entityId: change.entityId,
        tempId: change.tempId ?? null,
        payload: change.payload,
        baseUpdatedAt: change.baseUpdatedAt ?? null,
        correlationId: change.correlationId,
        dependencies: change.dependencies ?? [],
        editedAt: correctedEditTime(change.timestamp, clockOffsetMs, receivedAt),
        ...(change.fieldTimestamps
          ? {
              fieldEditedAt: Object.fromEntries(
                Object.entries(change.fieldTimestamps).map(([field, at]) => [
                  field,
                  correctedEditTime(at, clockOffsetMs, receivedAt),
                ]),
              ),
            }
          : {}),
      },
    });
    results.push(null);
  }
  const outcomes = await applyWrites(
    ctx.db,
    actor,
    valid.map((v) => v.request),
    new RequestTempIds(),
    envelope.clientId,
  );
  valid.forEach((v, i) => {
    const outcome = outcomes[i];
    if (outcome)
      results[v.index] = toPushResult(
        v.correlationId,
        readableOutcome(actor.role, v.request.entityType, outcome),
      );
  });
  // Every slot is filled by now: invalid changes above, the applied ones here.
  return { data: { results: results as PushResult[], serverTime: new Date().toISOString() } };
}
