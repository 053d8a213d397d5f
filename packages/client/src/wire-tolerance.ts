import {
  type PulledChange,
  type PushResult,
  pulledChangeSchema,
  pullResponseSchema,
  pushResponseSchema,
  pushResultSchema,
} from '@wampums/schema';
import { z } from 'zod';

/**
 * What this client reads of a pull or push answer from a newer server (docs/sync-protocol.md,
 * "Versions"): a change of an entity type or operation it does not know is skipped and
 * counted, and a push result of an unknown status is handled as `skipped` (sent again later),
 * instead of failing the whole answer. Unknown fields are already ignored by the object schemas.
 */
const tolerantPull = z.object({
  data: pullResponseSchema.shape.data.extend({ changes: z.array(z.unknown()) }),
});
const tolerantPush = z.object({
  data: pushResponseSchema.shape.data.extend({ results: z.array(z.unknown()) }),
});

export type TolerantPullData = z.infer<typeof pullResponseSchema>['data'] & { skipped: number };
export type TolerantPushData = z.infer<typeof pushResponseSchema>['data'] & { unknownResults: number };

export const pullAnswerSchema = tolerantPull.transform((body): { data: TolerantPullData } => {
  const changes: PulledChange[] = [];
  let skipped = 0;
  for (const raw of body.data.changes) {
    const parsed = pulledChangeSchema.safeParse(raw);
    if (parsed.success) changes.push(parsed.data);
    else skipped += 1;
  }
  return { data: { ...body.data, changes, skipped } };
});

export const pushAnswerSchema = tolerantPush.transform((body): { data: TolerantPushData } => {
  let unknownResults = 0;
  const results = body.data.results.map((raw): PushResult => {
    const parsed = pushResultSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    unknownResults += 1;
    const correlationId = (raw as { correlationId?: unknown } | null)?.correlationId;
    return {
      status: 'skipped',
      correlationId: typeof correlationId === 'string' ? correlationId : '',
      error: { code: 'unknown_status', message: 'a push result this version of the app does not know' },
    };
  });
  return { data: { ...body.data, results, unknownResults } };
});
