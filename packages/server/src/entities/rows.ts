import { ENTITIES, type EntityType } from '@wampums/schema';
import { type ColumnSpec, columnsOf } from '../db/column-types';
import type { Queryable } from '../db/database';

/** A stored row as it goes on the wire. */
export type Row = Record<string, unknown>;

/** Quotes an identifier. Only declared names ever reach it, never client input. */
export const ident = (name: string) => `"${name}"`;

const editColumn = (name: string, sqlType: ColumnSpec['sqlType']): ColumnSpec => ({
  name,
  sqlType,
  nullable: true,
  enumValues: null,
});

/** The edit-time columns of migration 007-edit-times; set by the write path, never by a payload. */
const EDIT_COLUMNS: readonly ColumnSpec[] = [
  editColumn('edited_at', 'timestamptz(3)'),
  editColumn('edited_by', 'integer'),
];
const FIELD_EDITS = editColumn('field_edits', 'jsonb');

/** The columns a write sets: the declared fields and the edit times (`rules/edit-times.ts`). */
function writtenColumnsOf(type: EntityType): readonly ColumnSpec[] {
  return [...columnsOf(type), ...EDIT_COLUMNS, ...(type === 'participants' ? [FIELD_EDITS] : [])];
}

function paramOf(type: EntityType, column: string, value: unknown): { value: unknown; cast: string } {
  const spec = writtenColumnsOf(type).find((c) => c.name === column);
  if (spec?.sqlType === 'jsonb')
    return { value: value === null ? null : JSON.stringify(value), cast: '::jsonb' };
  return { value, cast: '' };
}

/** One row of an organization by id, optionally locked for the rest of the transaction. */
export async function selectRow(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  id: number,
  lock: 'none' | 'update' = 'none',
): Promise<Row | null> {
  const rows = await tx.query<Row>(
    `SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND id = $2${lock === 'update' ? ' FOR UPDATE' : ''}`,
    [organizationId, id],
  );
  return rows[0] ?? null;
}

/** The row holding the same natural key as `values`, if the entity declares one. */
export async function selectByNaturalKey(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  values: Row,
): Promise<Row | null> {
  const key = ENTITIES[type].naturalKey;
  if (!key) return null;
  const where = key
    .map((field, i) => `${ident(field)} = $${i + 2}${paramOf(type, field, null).cast}`)
    .join(' AND ');
  const params = key.map((field) => paramOf(type, field, values[field]).value);
  const rows = await tx.query<Row>(`SELECT * FROM ${ident(type)} WHERE organization_id = $1 AND ${where}`, [
    organizationId,
    ...params,
  ]);
  return rows[0] ?? null;
}

/**
 * Inserts a row; `created_at`/`updated_at` come from the trigger. With a natural key, a
 * collision returns `null` instead of failing, so the caller can answer with the existing row.
 */
export async function insertRow(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  values: Row,
): Promise<Row | null> {
  const columns = writtenColumnsOf(type).filter((c) => values[c.name] !== undefined);
  const params: unknown[] = [organizationId];
  const placeholders = columns.map((c) => {
    const p = paramOf(type, c.name, values[c.name]);
    params.push(p.value);
    return `$${params.length}${p.cast}`;
  });
  const onConflict = ENTITIES[type].naturalKey ? ' ON CONFLICT DO NOTHING' : '';
  const rows = await tx.query<Row>(
    `INSERT INTO ${ident(type)} (organization_id${columns.map((c) => `, ${ident(c.name)}`).join('')})
     VALUES ($1${placeholders.map((p) => `, ${p}`).join('')})${onConflict} RETURNING *`,
    params,
  );
  return rows[0] ?? null;
}

/**
 * Inserts several rows of one type in one statement (an `id` given is used, else the sequence's);
 * returns the rows inserted, in no set order: with a natural key, a row that collides is left
 * out instead of failing.
 */
export async function insertRows(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  rows: readonly Row[],
): Promise<Row[]> {
  if (rows.length === 0) return [];
  const columns = writtenColumnsOf(type).filter((c) => rows.some((row) => row[c.name] !== undefined));
  const params: unknown[] = [organizationId];
  const tuples = rows.map((row) => {
    const cells = ['$1'];
    if (row.id === undefined) cells.push('DEFAULT');
    else {
      params.push(row.id);
      cells.push(`$${params.length}::int`);
    }
    for (const c of columns) {
      if (row[c.name] === undefined) {
        cells.push('DEFAULT');
        continue;
      }
      const p = paramOf(type, c.name, row[c.name]);
      params.push(p.value);
      cells.push(`$${params.length}${p.cast}`);
    }
    return `(${cells.join(', ')})`;
  });
  const onConflict = ENTITIES[type].naturalKey ? ' ON CONFLICT DO NOTHING' : '';
  return tx.query<Row>(
    `INSERT INTO ${ident(type)} (organization_id, id${columns.map((c) => `, ${ident(c.name)}`).join('')})
     VALUES ${tuples.join(', ')}${onConflict} RETURNING *`,
    params,
  );
}

/**
 * Applies a patch of declared fields; `updated_at` moves forward in the trigger. With
 * `notNewerThan`, only while the row's `updated_at` is not after it (else nothing, `null`).
 */
export async function updateRow(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  id: number,
  patch: Row,
  notNewerThan: string | null = null,
): Promise<Row | null> {
  const columns = writtenColumnsOf(type).filter((c) => patch[c.name] !== undefined);
  const params: unknown[] = [organizationId, id];
  const sets = columns.map((c) => {
    const p = paramOf(type, c.name, patch[c.name]);
    params.push(p.value);
    // A participant's field times: the patched fields' entries replace theirs, the others stay.
    if (c.name === FIELD_EDITS.name)
      return `${ident(c.name)} = ${ident(c.name)} || $${params.length}${p.cast}`;
    return `${ident(c.name)} = $${params.length}${p.cast}`;
  });
  // An empty patch still counts as a write: it moves updated_at like any other.
  if (sets.length === 0) sets.push('id = id');
  let where = 'organization_id = $1 AND id = $2';
  if (notNewerThan !== null) {
    params.push(notNewerThan);
    where += ` AND updated_at <= $${params.length}::timestamptz`;
  }
  const rows = await tx.query<Row>(
    `UPDATE ${ident(type)} SET ${sets.join(', ')} WHERE ${where} RETURNING *`,
    params,
  );
  return rows[0] ?? null;
}

/** Deletes a row (its children go by the declared cascades); returns the deleted row. */
export async function deleteRow(
  tx: Queryable,
  type: EntityType,
  organizationId: number,
  id: number,
): Promise<Row | null> {
  const rows = await tx.query<Row>(
    `DELETE FROM ${ident(type)} WHERE organization_id = $1 AND id = $2 RETURNING *`,
    [organizationId, id],
  );
  return rows[0] ?? null;
}
