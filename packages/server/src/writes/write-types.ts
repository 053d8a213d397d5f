import type { Dependency, EntityType, Operation, WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

/** One change, from a push or a REST call: both go through the same write path. */
export interface WriteRequest {
  entityType: EntityType;
  operation: Operation;
  /** Server id, or the temp id (create, or an edit of a record whose create was mapped). */
  entityId: number | string | null;
  tempId: string | null;
  /** Full entity (create), patch (update) or `null` (delete); validated by the write path. */
  payload: unknown;
  /** The `updated_at` an update or delete was based on; `null` writes unconditionally. */
  baseUpdatedAt: string | null;
  /** Deduplication key (push `correlationId`, REST `Idempotency-Key`). */
  correlationId: string | null;
  dependencies: readonly Dependency[];
  /**
   * When the change was made, Unix ms on the server's clock (a push: its `timestamp` corrected
   * and bounded, `correctedEditTime`); absent (REST): the time of the write.
   */
  editedAt?: number;
  /** Per field, when edits made at different times were merged into this change (`fieldTimestamps`). */
  fieldEditedAt?: Record<string, number>;
}

/** What happened to one change; maps one-to-one onto a push result. */
export type WriteOutcome =
  | { status: 'applied'; serverId: number; entity: Row | null }
  | { status: 'duplicate'; serverId: number; entity: Row | null; current: Row | null }
  | {
      status: 'conflict';
      code: 'conflict' | 'gone';
      serverEntity: Row | null;
      /**
       * Written after the change's own savepoint is rolled back (a conflict writes nothing of
       * the change itself); answers the row as it is then, for `serverEntity`.
       */
      afterRollback?: (tx: Queryable) => Promise<Row | null>;
    }
  | { status: 'rejected'; error: WampumsError }
  | { status: 'skipped'; message: string };

/**
 * How the changes of a chunk are written: one by one, each in its savepoint, or all together
 * optimistically (see `applyWrites`).
 */
export interface WriteMode {
  /**
   * Reads every referenced row first, to answer `not_found` naming the field. Without it the
   * composite foreign keys still refuse a missing or foreign row (the chunk is then redone
   * change by change, with the check).
   */
  checkReferences: boolean;
  /**
   * Records temp id → server id. False when a concurrent create of the same temp id (under
   * another correlationId) got there first: the change runs again and answers `duplicate`.
   */
  recordTempId(
    tx: Queryable,
    organizationId: number,
    type: EntityType,
    tempId: string,
    serverId: number,
  ): Promise<boolean>;
}

/** A write that must not commit: its outcome is answered after the rollback. */
export class RollbackWith extends Error {
  override readonly name = 'RollbackWith';
  constructor(readonly outcome: WriteOutcome) {
    super(outcome.status);
  }
}

/** A unique-key race lost to a concurrent twin: the whole change runs again and sees its row. */
export class RetryChange extends Error {
  override readonly name = 'RetryChange';
}
