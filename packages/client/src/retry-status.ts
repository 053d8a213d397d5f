import type { OutboxEntry } from '@wampums/schema';
import type { SyncStatus } from './types';

/** The part of the status that tells a network failure from a refusal. */
export type RetryFigures = Pick<SyncStatus, 'refusedCount' | 'retryingCount' | 'retryCount' | 'nextRetryAt'>;

export const NO_FAILURES: RetryFigures = {
  refusedCount: 0,
  retryingCount: 0,
  retryCount: 0,
  nextRetryAt: null,
};

/**
 * Splits failed outbox entries by cause. An entry with a `nextAttemptAt` failed on the network
 * or on a server error and is sent again by itself (docs/architecture.md, "Failure modes"):
 * the change is safe on the device. One without it was refused by the server and waits for a
 * person (retry, edit or undo). `retryCount` is the most attempts any retrying change has had,
 * `nextRetryAt` the earliest automatic try.
 */
export function retryFigures(
  failed: readonly Pick<OutboxEntry, 'status' | 'retryCount' | 'nextAttemptAt'>[],
): RetryFigures {
  const figures = { ...NO_FAILURES };
  for (const entry of failed) {
    if (entry.status !== 'failed') continue;
    if (typeof entry.nextAttemptAt !== 'number') {
      figures.refusedCount += 1;
      continue;
    }
    figures.retryingCount += 1;
    figures.retryCount = Math.max(figures.retryCount, entry.retryCount);
    figures.nextRetryAt =
      figures.nextRetryAt === null ? entry.nextAttemptAt : Math.min(figures.nextRetryAt, entry.nextAttemptAt);
  }
  return figures;
}
