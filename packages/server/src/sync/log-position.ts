import type { Queryable } from '../db/database';

/**
 * A position in the change log: every row at or before `(xid, seq)`, in `(xid, seq)` order,
 * has been seen. `xid` is a transaction id (xid8) as a decimal string.
 */
export interface LogPosition {
  x: string;
  s: number;
}

/** The visibility horizon: transactions below it have all finished (committed or rolled back). */
export const VISIBLE = 'xid < pg_snapshot_xmin(pg_current_snapshot())';

/** Where a snapshot starts its log replay: every transaction not finished now is replayed. */
export async function snapshotStart(db: Queryable): Promise<LogPosition> {
  const [row] = await db.query<{ x: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x');
  return { x: row?.x ?? '0', s: 0 };
}

/** The newest visible log position of an organization (the live channel's cursor). */
export async function headPosition(db: Queryable, organizationId: number): Promise<LogPosition> {
  const [row] = await db.query<{ x: string; s: number }>(
    `SELECT xid::text AS x, seq AS s FROM sync_change_log WHERE organization_id = $1 AND ${VISIBLE}
     ORDER BY xid DESC, seq DESC LIMIT 1`,
    [organizationId],
  );
  return row ?? { x: '0', s: 0 };
}

/** True once every transaction up to `xid` has finished, so a pull can see its rows. */
export async function isVisible(db: Queryable, xid: string): Promise<boolean> {
  const [row] = await db.query<{ visible: boolean }>(
    'SELECT $1::xid8 < pg_snapshot_xmin(pg_current_snapshot()) AS visible',
    [xid],
  );
  return row?.visible === true;
}

/**
 * Removes log rows older than `olderThan`, remembering the newest removed position. Deletes of
 * the last `retention` days stay, so a client syncing within 14 days never misses one.
 */
export async function pruneChangeLog(
  db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  olderThan: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [edge] = await tx.query<{ x: string; s: number }>(
      `SELECT xid::text AS x, seq AS s FROM sync_change_log WHERE changed_at < $1
       ORDER BY xid DESC, seq DESC LIMIT 1`,
      [olderThan.toISOString()],
    );
    if (!edge) return 0;
    await tx.query(
      `INSERT INTO sync_log_horizon (singleton, xid, seq, pruned_at) VALUES (true, $1::xid8, $2, now())
       ON CONFLICT (singleton) DO UPDATE SET xid = excluded.xid, seq = excluded.seq, pruned_at = excluded.pruned_at
       WHERE (sync_log_horizon.xid, sync_log_horizon.seq) < (excluded.xid, excluded.seq)`,
      [edge.x, edge.s],
    );
    const deleted = await tx.query(
      'DELETE FROM sync_change_log WHERE (xid, seq) <= ($1::xid8, $2::bigint) RETURNING seq',
      [edge.x, edge.s],
    );
    return deleted.length;
  });
}
