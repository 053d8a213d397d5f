import {
  type EntityType,
  FULL_REFRESH_AFTER_MS,
  isEntityType,
  type PulledChange,
  UPSERT_ORDER,
} from '@wampums/schema';
import { z } from 'zod';
import type { Queryable } from '../db/database';
import { ident, type Row } from '../entities/rows';
import type { CursorCodec } from './cursor';
import { isBeforeHorizon, type LogPosition, snapshotStart, VISIBLE } from './log-position';

/** Snapshot phase: `t` indexes UPSERT_ORDER, `i` is the last id sent; `x`/`s` where the log resumes. */
const snapshotCursor = z.strictObject({
  k: z.literal('snap'),
  t: z.number().int().min(0),
  i: z.number().int().min(0),
  x: z.string().regex(/^\d{1,20}$/),
  s: z.number().int().min(0),
  a: z.number().int(),
});
/** Log phase: `(x, s)` is the last log position sent; `a` when the cursor was issued (ms). */
const logCursor = z.strictObject({
  k: z.literal('log'),
  x: z.string().regex(/^\d{1,20}$/),
  s: z.number().int().min(0),
  a: z.number().int(),
});
const cursorSchema = z.discriminatedUnion('k', [snapshotCursor, logCursor]);
type PullState = z.infer<typeof cursorSchema>;

export interface PullPage {
  changes: PulledChange[];
  cursor: string;
  hasMore: boolean;
  fullRefresh: boolean;
}

interface LogRow {
  x: string;
  s: number;
  entity_type: string;
  entity_id: number;
}

/**
 * One page of pull. Without a cursor: a snapshot of the organization's rows, type by type in
 * UPSERT_ORDER, then the change log from the position taken when the snapshot began (so a
 * change made while paging is never lost). With a cursor: the change log after it, in (xid,
 * seq) order, and only below the oldest running transaction: a transaction that is still
 * running holds back everything after it, so a late commit can never be skipped.
 */
export async function pullPage(
  db: Queryable,
  cursors: CursorCodec,
  organizationId: number,
  cursorText: string | undefined,
  limit: number,
  now = Date.now(),
): Promise<PullPage> {
  let state: PullState = cursorText
    ? cursors.decode(cursorText, cursorSchema)
    : { k: 'snap', t: 0, i: 0, ...(await snapshotStart(db)), a: now };
  if (cursorText && (now - state.a > FULL_REFRESH_AFTER_MS || (await isBeforeHorizon(db, state)))) {
    const fresh = { k: 'snap', t: 0, i: 0, ...(await snapshotStart(db)), a: now };
    return { changes: [], cursor: cursors.encode(fresh), hasMore: true, fullRefresh: true };
  }
  const changes: PulledChange[] = [];
  let hasMore = false;
  while (state.k === 'snap' && changes.length < limit) {
    const type = UPSERT_ORDER[state.t];
    if (!type) {
      state = { k: 'log', x: state.x, s: state.s, a: now };
      break;
    }
    const want = limit - changes.length;
    const rows = await db.query<Row>(
      `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [organizationId, state.i, want],
    );
    for (const row of rows)
      changes.push({ entityType: type, op: 'upsert', id: row.id as number, entity: row });
    const last = rows.at(-1);
    state =
      rows.length < want || !last ? { ...state, t: state.t + 1, i: 0 } : { ...state, i: last.id as number };
  }
  if (state.k === 'snap') hasMore = true;
  else if (changes.length < limit) {
    const page = await readLog(db, organizationId, state, limit - changes.length);
    changes.push(...page.changes);
    hasMore = page.hasMore;
    if (page.last) state = { k: 'log', ...page.last, a: now };
  } else hasMore = true;
  return { changes, cursor: cursors.encode({ ...state, a: now }), hasMore, fullRefresh: false };
}

/** Reads log rows after `from` and answers each touched row once, with its current state. */
async function readLog(
  db: Queryable,
  organizationId: number,
  from: LogPosition,
  budget: number,
): Promise<{ changes: PulledChange[]; hasMore: boolean; last: LogPosition | null }> {
  const rows = await db.query<LogRow>(
    `SELECT xid::text AS x, seq AS s, entity_type, entity_id FROM sync_change_log
     WHERE organization_id = $1 AND (xid, seq) > ($2::xid8, $3::bigint) AND ${VISIBLE}
     ORDER BY xid, seq LIMIT $4`,
    [organizationId, from.x, from.s, budget + 1],
  );
  const hasMore = rows.length > budget;
  const page = rows.slice(0, budget);
  // The last occurrence of each row decides its place; its current state is what is sent
  // (a row written twice is sent once, a row gone since is sent as a delete).
  const order = new Map<string, { type: EntityType; id: number }>();
  for (const row of page) {
    if (!isEntityType(row.entity_type)) continue;
    const key = `${row.entity_type}:${row.entity_id}`;
    order.delete(key);
    order.set(key, { type: row.entity_type, id: row.entity_id });
  }
  const current = new Map<string, Row>();
  const byType = new Map<EntityType, number[]>();
  for (const { type, id } of order.values()) byType.set(type, [...(byType.get(type) ?? []), id]);
  for (const [type, ids] of byType) {
    const found = await db.query<Row>(
      `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id = ANY($2::int[])`,
      [organizationId, ids],
    );
    for (const row of found) current.set(`${type}:${row.id}`, row);
  }
  const changes: PulledChange[] = [...order.entries()].map(([key, { type, id }]) => {
    const entity = current.get(key);
    return entity
      ? { entityType: type, op: 'upsert', id, entity }
      : { entityType: type, op: 'delete', id, entity: null };
  });
  const last = page.at(-1);
  return { changes, hasMore, last: last ? { x: last.x, s: last.s } : null };
}
