import { mergedFieldTimes, type OutboxAuthor, type OutboxEntry } from '@wampums/schema';
import { deriveDependencies } from './dependencies';

/** An outbox entry as this client stores it: the seed's fields plus when it was last sent. */
export type ClientOutboxEntry = OutboxEntry & {
  /**
   * Unix ms when it was last handed to the network. Set, the server may have applied it (an
   * answer can be lost), so it is never merged with a later edit: that edit gets its own entry,
   * otherwise a retry with the same `correlationId` would come back `duplicate` and lose it.
   */
  sentAt?: number | null;
  /**
   * The newest version of the record seen from the server since the change was made (`null`:
   * deleted there), kept up to date by pulls and push answers. Unlike `baseEntity`, which
   * conflict detection and field merges compare with, this is what settling the change without
   * sending it (discard, the server's version chosen) puts back.
   */
  serverShadow?: Record<string, unknown> | null;
};

/** A new local change, before it becomes an outbox entry. */
export interface LocalChange {
  operation: OutboxEntry['operation'];
  payload: Record<string, unknown> | null;
  timestamp: number;
  /** Who makes it: the signed-in person (`null` or absent: nobody known). */
  author?: OutboxAuthor | null;
}

export type CoalesceAction =
  | { kind: 'add' }
  | { kind: 'replace'; entry: ClientOutboxEntry }
  /** A create and its delete cancel out: the create's entry goes, nothing is sent. */
  | { kind: 'drop'; localId: number };

/** True when `entry` may still absorb later edits: queued and never sent. */
export function isMergeable(entry: ClientOutboxEntry): boolean {
  return (
    (entry.status === 'pending' || (entry.status === 'failed' && !entry.nextAttemptAt)) &&
    (entry.sentAt === undefined || entry.sentAt === null)
  );
}

/**
 * Decides how a new change of a record joins the outbox, given the record's newest unsynced
 * entry. create+update → one create; create+delete → nothing; update+update → one patch;
 * update+delete → one delete. An entry that is in progress, was sent, or waits in a conflict is
 * never touched. Merging into a rejected entry makes it pending again: the edit is a new attempt.
 * Another person's entry is never touched either: each entry is sent under its author's session.
 */
export function coalesce(existing: ClientOutboxEntry | undefined, change: LocalChange): CoalesceAction {
  if (!existing || !isMergeable(existing) || existing.localId === undefined) return { kind: 'add' };
  if ((existing.authorId ?? null) !== (change.author?.id ?? null)) return { kind: 'add' };
  const reset = {
    status: 'pending' as const,
    retryCount: 0,
    lastError: null,
    serverResponse: null,
    nextAttemptAt: undefined,
    timestamp: change.timestamp,
  };
  switch (existing.operation) {
    case 'create': {
      if (change.operation === 'delete') return { kind: 'drop', localId: existing.localId };
      if (change.operation === 'create') return { kind: 'add' };
      const payload = { ...existing.payload, ...change.payload };
      return {
        kind: 'replace',
        entry: {
          ...existing,
          ...reset,
          payload,
          fieldTimes: mergedFieldTimes(existing, change),
          dependencies: deriveDependencies(existing.entityType, existing.entityId, 'create', payload),
        },
      };
    }
    case 'update': {
      if (change.operation === 'create') return { kind: 'add' };
      if (change.operation === 'delete') {
        const dependencies = deriveDependencies(existing.entityType, existing.entityId, 'delete', null);
        return {
          kind: 'replace',
          entry: { ...existing, ...reset, operation: 'delete', payload: null, dependencies },
        };
      }
      const payload = { ...existing.payload, ...change.payload };
      return {
        kind: 'replace',
        entry: {
          ...existing,
          ...reset,
          payload,
          fieldTimes: mergedFieldTimes(existing, change),
          dependencies: deriveDependencies(existing.entityType, existing.entityId, 'update', payload),
        },
      };
    }
    case 'delete':
      return { kind: 'add' };
  }
}
