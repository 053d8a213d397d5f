import {
  canRead,
  DERIVED_ROWS,
  type EntityType,
  FULL_REFRESH_AFTER_MS,
  type FullRefreshReason,
  isEntityType,
  PROTOCOL_VERSION,
  type PulledChange,
  protocolKnows,
  roleSchema,
  UPSERT_ORDER,
} from '@wampums/schema';
import { z } from 'zod';
import { type Reader, readableChanges } from '../auth/read-access';
import type { Queryable } from '../db/database';
import { ident, type Row } from '../entities/rows';
import type { CursorCodec } from './cursor';
import { type LogPosition, snapshotStart, VISIBLE } from './log-position';

/**
 * Snapshot phase: `t` indexes UPSERT_ORDER, `i` is the last id sent; `x`/`s` where the log
 * resumes. In both phases `e` is the epoch of the database that issued the cursor (absent in
 * cursors issued before it existed, which stay valid on the database that issued them).
 */
const snapshotCursor = z.strictObject({
  k: z.literal('snap'),
  t: z.number().int().min(0),
  i: z.number().int().min(0),
  x: z.string().regex(/^\d{1,20}$/),
  s: z.number().int().min(0),
  a: z.number().int(),
  r: roleSchema.optional(),
  e: z.string().max(64).optional(),
});
/**
 * Log phase: `(x, s)` is the last log position sent; `a` when the cursor was issued (ms). In
 * both phases `r` is the role the pages so far were read with (absent in cursors issued before
 * read rules): a cursor of another role answers `fullRefresh`, so the device replaces what it
 * holds with what the role reads now (`docs/privacy.md`).
 */
const logCursor = z.strictObject({
  k: z.literal('log'),
  x: z.string().regex(/^\d{1,20}$/),
  s: z.number().int().min(0),
  a: z.number().int(),
  r: roleSchema.optional(),
  e: z.string().max(64).optional(),
});
const cursorSchema = z.discriminatedUnion('k', [snapshotCursor, logCursor]);
type PullState = z.infer<typeof cursorSchema>;

export interface PullPage {
  changes: PulledChange[];
  cursor: string;
  hasMore: boolean;
  fullRefresh: boolean;
  fullRefreshReason?: FullRefreshReason;
}

interface LogRow {
  x: string;
  s: number;
  entity_type: string;
  entity_id: number;
}

/**
 * Log rows one page may read when it leaves a client's own changes out: a page made only of
 * them ends there (with `hasMore`), so that one request's work stays bounded. Also the most rows
 * of one transaction a page completes: a larger transaction may span pages.
 */
export const MAX_LOG_ROWS_PER_PAGE = 10_000;

/** The epoch of this database (migration 006-server-epoch). */
export async function serverEpoch(db: Queryable): Promise<string> {
  const [row] = await db.query<{ epoch: string }>('SELECT epoch FROM sync_server_epoch');
  if (!row) throw new Error('sync_server_epoch is empty: the database is not migrated');
  return row.epoch;
}

/**
 * Why this database cannot serve a cursor's position, or null when it can: `expired` before the
 * pruned horizon; `unknown_position` for a log row it never wrote or a transaction it never
 * reached (a database restored from a backup taken before the cursor was issued).
 */
async function positionProblem(db: Queryable, position: LogPosition): Promise<FullRefreshReason | null> {
  const [row] = await db.query<{ problem: string | null }>(
    `SELECT CASE
       WHEN h.xid IS NOT NULL AND ($1::xid8, $2::bigint) < (h.xid, h.seq) THEN 'expired'
       WHEN $2::bigint = 0 THEN
         CASE WHEN $1::xid8 <= pg_snapshot_xmax(pg_current_snapshot()) THEN NULL ELSE 'unknown_position' END
       WHEN h.xid IS NOT NULL AND ($1::xid8, $2::bigint) = (h.xid, h.seq) THEN NULL
       WHEN EXISTS (SELECT 1 FROM sync_change_log AS l WHERE l.seq = $2::bigint AND l.xid = $1::xid8) THEN NULL
       ELSE 'unknown_position' END AS problem
     FROM (SELECT 1) AS one LEFT JOIN sync_log_horizon AS h ON true`,
    [position.x, position.s],
  );
  return (row?.problem as FullRefreshReason | null | undefined) ?? null;
}

/** Reads a cursor, or says why it cannot be honoured (docs/sync-protocol.md, "Recovery"). */
async function readCursor(
  db: Queryable,
  cursors: CursorCodec,
  text: string,
  role: string,
  epoch: string,
  now: number,
): Promise<{ state: PullState } | { reason: FullRefreshReason }> {
  let state: PullState;
  try {
    state = cursors.decode(text, cursorSchema);
  } catch {
    // Signed with another secret (rotated), or altered: nothing in it can be trusted.
    return { reason: 'unverified' };
  }
  if (state.e !== undefined && state.e !== epoch) return { reason: 'other_server' };
  if (state.r !== role) return { reason: 'role_changed' };
  if (now - state.a > FULL_REFRESH_AFTER_MS) return { reason: 'expired' };
  const problem = await positionProblem(db, state);
  return problem ? { reason: problem } : { state };
}

/**
 * One page of pull. Without a cursor: a snapshot of the organization's rows, type by type in
 * UPSERT_ORDER, then the change log from the position taken when the snapshot began (so a
 * change made while paging is never lost). With a cursor: the change log after it, in (xid,
 * seq) order, and only below the oldest running transaction: a transaction that is still
 * running holds back everything after it, so a late commit can never be skipped. A log page
 * ends between transactions, and a snapshot page brings the rows derived from its rows
 * (`DERIVED_ROWS`): a device never holds an honor without its points.
 *
 * With `clientId`, a log page leaves out every row whose current version that device already
 * holds from its own push answers (see {@link echoesOf}); the cursor still moves past them, and
 * the page reads on until it has `limit` changes (at most {@link MAX_LOG_ROWS_PER_PAGE} log
 * rows). Ignored while a snapshot is paged (no cursor, or a cursor still in its snapshot): a
 * client that removes what a snapshot did not bring must get every row.
 *
 * The page holds what `reader.role` reads (`readableChanges`) and what a client of `protocol`
 * knows (`protocolKnows`). A cursor this database cannot honour answers `fullRefresh` with its
 * reason (`readCursor`).
 */
export async function pullPage(
  db: Queryable,
  cursors: CursorCodec,
  reader: Pick<Reader, 'organizationId' | 'role'>,
  cursorText: string | undefined,
  limit: number,
  now = Date.now(),
  clientId: string | null = null,
  protocol: number = PROTOCOL_VERSION,
): Promise<PullPage> {
  const { organizationId, role } = reader;
  const epoch = await serverEpoch(db);
  let state: PullState;
  if (cursorText) {
    const read = await readCursor(db, cursors, cursorText, role, epoch, now);
    if ('reason' in read) {
      const fresh = { k: 'snap', t: 0, i: 0, ...(await snapshotStart(db)), a: now, r: role, e: epoch };
      return {
        changes: [],
        cursor: cursors.encode(fresh),
        hasMore: true,
        fullRefresh: true,
        fullRefreshReason: read.reason,
      };
    }
    state = read.state;
  } else state = { k: 'snap', t: 0, i: 0, ...(await snapshotStart(db)), a: now };
  const echoesOf = cursorText && state.k === 'log' ? clientId : null;
  const known = (type: EntityType) => canRead(role, type) && protocolKnows(protocol, type);
  const changes: PulledChange[] = [];
  let hasMore = false;
  while (state.k === 'snap' && changes.length < limit) {
    const type = UPSERT_ORDER[state.t];
    if (!type) {
      state = { k: 'log', x: state.x, s: state.s, a: now };
      break;
    }
    if (!known(type)) {
      state = { ...state, t: state.t + 1, i: 0 };
      continue;
    }
    const want = limit - changes.length;
    // Derived rows come with their parent (below), so their own pass leaves them out.
    const withParent = derivedFrom(type).filter((d) => known(d.parent));
    const notDerived = withParent.map((d) => ` AND ${ident(d.foreignKey)} IS NULL`).join('');
    const rows = await db.query<Row>(
      `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id > $2${notDerived} ORDER BY id LIMIT $3`,
      [organizationId, state.i, want],
    );
    for (const row of rows)
      changes.push({ entityType: type, op: 'upsert', id: row.id as number, entity: row });
    changes.push(...(await derivedRows(db, organizationId, type, rows)));
    const last = rows.at(-1);
    state =
      rows.length < want || !last ? { ...state, t: state.t + 1, i: 0 } : { ...state, i: last.id as number };
  }
  if (state.k === 'snap') hasMore = true;
  else if (changes.length < limit) {
    const page = await readLog(db, organizationId, state, limit - changes.length, echoesOf);
    changes.push(...page.changes);
    hasMore = page.hasMore;
    if (page.last) state = { k: 'log', ...page.last, a: now };
  } else hasMore = true;
  return {
    changes: readableChanges(
      role,
      changes.filter((change) => protocolKnows(protocol, change.entityType)),
    ),
    cursor: cursors.encode({ ...state, a: now, r: role, e: epoch }),
    hasMore,
    fullRefresh: false,
  };
}

/** The parents whose rows `type` is derived from (`DERIVED_ROWS`). */
function derivedFrom(type: EntityType): { parent: EntityType; foreignKey: string }[] {
  return Object.entries(DERIVED_ROWS).flatMap(([parent, list]) =>
    (list ?? [])
      .filter((d) => d.type === type)
      .map((d) => ({ parent: parent as EntityType, foreignKey: d.foreignKey })),
  );
}

/** The rows derived from `rows` of `type` (an honor's points), as upserts. */
async function derivedRows(
  db: Queryable,
  organizationId: number,
  type: EntityType,
  rows: readonly Row[],
): Promise<PulledChange[]> {
  const ids = rows.map((row) => row.id as number);
  if (ids.length === 0) return [];
  const out: PulledChange[] = [];
  for (const derived of DERIVED_ROWS[type] ?? []) {
    const found = await db.query<Row>(
      `SELECT * FROM ${ident(derived.type)} WHERE organization_id = $1 AND ${ident(derived.foreignKey)} = ANY($2::int[])
       ORDER BY id`,
      [organizationId, ids],
    );
    for (const row of found)
      out.push({ entityType: derived.type, op: 'upsert', id: row.id as number, entity: row });
  }
  return out;
}

type Target = { type: EntityType; id: number };

/**
 * Reads log rows after `from` and answers each touched row once, with its current state, in
 * the order of its last occurrence. Without `clientId` it reads `budget` log rows. With it, rows
 * that device already holds ({@link echoesOf}) are left out, and it reads on, in growing
 * windows, until `budget` rows are to be sent, the log ends, or {@link MAX_LOG_ROWS_PER_PAGE}
 * rows were read; the cursor stops before the first log row that did not fit.
 */
async function readLog(
  db: Queryable,
  organizationId: number,
  from: LogPosition,
  budget: number,
  clientId: string | null,
): Promise<{ changes: PulledChange[]; hasMore: boolean; last: LogPosition | null }> {
  // The last occurrence of each row decides its place; its current state is what is sent
  // (a row written twice is sent once, a row gone since is sent as a delete).
  const order = new Map<string, Target>();
  let last: LogPosition | null = null;
  let hasMore = false;
  let scanned = 0;
  let window = budget;
  for (;;) {
    const after: LogPosition = last ?? from;
    const rows = await db.query<LogRow>(
      `SELECT xid::text AS x, seq AS s, entity_type, entity_id FROM sync_change_log
       WHERE organization_id = $1 AND (xid, seq) > ($2::xid8, $3::bigint) AND ${VISIBLE}
       ORDER BY xid, seq LIMIT $4`,
      [organizationId, after.x, after.s, window + 1],
    );
    const page = rows.slice(0, window);
    const echoes = clientId ? await echoesOf(db, organizationId, clientId, targetsOf(page)) : null;
    let full = false;
    for (const row of page) {
      if (isEntityType(row.entity_type)) {
        const key = `${row.entity_type}:${row.entity_id}`;
        if (echoes?.has(key)) order.delete(key);
        else if (!order.has(key) && order.size >= budget) {
          full = true;
          break;
        } else {
          order.delete(key);
          order.set(key, { type: row.entity_type, id: row.entity_id });
        }
      }
      last = { x: row.x, s: row.s };
    }
    scanned += page.length;
    if (full) hasMore = true;
    else if (rows.length <= window) hasMore = false;
    else if (!clientId || order.size >= budget || scanned >= MAX_LOG_ROWS_PER_PAGE) hasMore = true;
    else {
      window = Math.min(window * 2, MAX_LOG_ROWS_PER_PAGE - scanned);
      continue;
    }
    break;
  }
  if (hasMore && last) last = await finishTransaction(db, organizationId, last, order, clientId);
  return { changes: await currentStates(db, organizationId, order), hasMore, last };
}

/**
 * Adds the rest of `last`'s transaction to `order`, beyond the page's budget: a page ends
 * between transactions, so an honor never comes without its points nor a cascade without its
 * parent's delete. Bounded by {@link MAX_LOG_ROWS_PER_PAGE}. Answers the new last position.
 */
async function finishTransaction(
  db: Queryable,
  organizationId: number,
  last: LogPosition,
  order: Map<string, Target>,
  clientId: string | null,
): Promise<LogPosition> {
  const rows = await db.query<LogRow>(
    `SELECT xid::text AS x, seq AS s, entity_type, entity_id FROM sync_change_log
     WHERE organization_id = $1 AND xid = $2::xid8 AND seq > $3 ORDER BY seq LIMIT $4`,
    [organizationId, last.x, last.s, MAX_LOG_ROWS_PER_PAGE],
  );
  const echoes = clientId ? await echoesOf(db, organizationId, clientId, targetsOf(rows)) : null;
  for (const row of rows) {
    if (isEntityType(row.entity_type)) {
      const key = `${row.entity_type}:${row.entity_id}`;
      order.delete(key);
      if (!echoes?.has(key)) order.set(key, { type: row.entity_type, id: row.entity_id });
    }
  }
  const end = rows.at(-1);
  return end ? { x: end.x, s: end.s } : last;
}

/** The distinct rows a run of log rows touched. */
function targetsOf(rows: readonly LogRow[]): Target[] {
  const targets = new Map<string, Target>();
  for (const row of rows) {
    if (isEntityType(row.entity_type))
      targets.set(`${row.entity_type}:${row.entity_id}`, { type: row.entity_type, id: row.entity_id });
  }
  return [...targets.values()];
}

function idsByType(targets: Iterable<Target>): Map<EntityType, number[]> {
  const byType = new Map<EntityType, number[]>();
  for (const { type, id } of targets) {
    const ids = byType.get(type) ?? [];
    ids.push(id);
    byType.set(type, ids);
  }
  return byType;
}

/**
 * The rows of `targets` whose current version `clientId` already holds from its push answers
 * (as `type:id`): a row still there whose `updated_at` is the one a push of that device was
 * answered with (its receipt's `entity_updated_at`), or a row gone that a push of that device deleted. A
 * row changed since by anyone or anything else (another device, a cascade, a server rule) has
 * another `updated_at`, or no receipt of that device at all, and is sent. One statement.
 */
async function echoesOf(
  db: Queryable,
  organizationId: number,
  clientId: string,
  targets: readonly Target[],
): Promise<Set<string>> {
  const byType = idsByType(targets);
  if (byType.size === 0) return new Set();
  const params: unknown[] = [organizationId, clientId];
  const parts = [...byType].map(([type, ids]) => {
    params.push(type, ids);
    const t = `$${params.length - 1}`;
    const list = `$${params.length}::int[]`;
    return `SELECT ${t}::text AS entity_type, e.id FROM ${ident(type)} AS e
      WHERE e.organization_id = $1 AND e.id = ANY(${list}) AND EXISTS (
        SELECT 1 FROM sync_receipts AS r
        WHERE r.organization_id = $1 AND r.entity_type = ${t} AND r.server_id = e.id
          AND r.client_id = $2 AND r.operation <> 'delete'
          AND r.entity_updated_at = e.updated_at)
    UNION ALL
    SELECT ${t}::text, r.server_id FROM sync_receipts AS r
      WHERE r.organization_id = $1 AND r.entity_type = ${t} AND r.server_id = ANY(${list})
        AND r.client_id = $2 AND r.operation = 'delete'
        AND NOT EXISTS (SELECT 1 FROM ${ident(type)} AS e WHERE e.organization_id = $1 AND e.id = r.server_id)`;
  });
  const rows = await db.query<{ entity_type: string; id: number }>(parts.join('\nUNION ALL\n'), params);
  return new Set(rows.map((row) => `${row.entity_type}:${row.id}`));
}

/** Each target with its current state: an upsert, or a delete when the row is gone. */
async function currentStates(
  db: Queryable,
  organizationId: number,
  order: ReadonlyMap<string, Target>,
): Promise<PulledChange[]> {
  const current = new Map<string, Row>();
  for (const [type, ids] of idsByType(order.values())) {
    const found = await db.query<Row>(
      `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id = ANY($2::int[])`,
      [organizationId, ids],
    );
    for (const row of found) current.set(`${type}:${row.id}`, row);
  }
  return [...order.entries()].map(([key, { type, id }]) => {
    const entity = current.get(key);
    return entity
      ? { entityType: type, op: 'upsert', id, entity }
      : { entityType: type, op: 'delete', id, entity: null };
  });
}
