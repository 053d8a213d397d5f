import { DEPENDENCY_ORDER, ENTITIES, type EntityType, foreignKeysOf, userFieldsOf } from '@wampums/schema';
import { columnsOf } from '../column-types';

const q = (name: string) => `"${name}"`;

/** Secondary indexes of the seed's local store, scoped by organization on the server. */
function indexesOf(type: EntityType): string[] {
  return ENTITIES[type].indexes
    .filter((index) => index !== 'organization_id')
    .map((index) => {
      const fields = index.startsWith('[') ? index.slice(1, -1).split('+') : [index];
      const cols = ['organization_id', ...fields.filter((f) => f !== 'organization_id')];
      return `CREATE INDEX ${q(`${type}_${fields.join('_')}_idx`)} ON ${q(type)} (${cols.map(q).join(', ')});`;
    });
}

/**
 * The DDL of one entity table, generated from its declaration: columns, NOT NULL, enum CHECKs,
 * the natural unique key, and composite foreign keys `(organization_id, x)`, so that a row can
 * only ever point at a row of its own organization.
 */
export function entityTableDdl(type: EntityType): string {
  const lines = [
    'id serial PRIMARY KEY',
    'organization_id integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE',
  ];
  for (const col of columnsOf(type)) {
    const check = col.enumValues
      ? ` CHECK (${q(col.name)} IN (${col.enumValues.map((v) => `'${v}'`).join(', ')}))`
      : '';
    lines.push(`${q(col.name)} ${col.sqlType}${col.nullable ? '' : ' NOT NULL'}${check}`);
  }
  lines.push('created_at timestamptz(3) NOT NULL', 'updated_at timestamptz(3) NOT NULL');
  lines.push('UNIQUE (organization_id, id)');
  const naturalKey = ENTITIES[type].naturalKey;
  if (naturalKey) lines.push(`UNIQUE (organization_id, ${naturalKey.map(q).join(', ')})`);
  for (const fk of foreignKeysOf(type)) {
    const onDelete = fk.onDelete === 'cascade' ? 'CASCADE' : `SET NULL (${q(fk.field)})`;
    lines.push(
      `FOREIGN KEY (organization_id, ${q(fk.field)}) REFERENCES ${q(fk.references)} (organization_id, id) ON DELETE ${onDelete}`,
    );
  }
  for (const field of userFieldsOf(type)) {
    lines.push(
      `FOREIGN KEY (organization_id, ${q(field)}) REFERENCES users (organization_id, id) ON DELETE SET NULL (${q(field)})`,
    );
  }
  return [
    `CREATE TABLE ${q(type)} (\n  ${lines.join(',\n  ')}\n);`,
    ...indexesOf(type),
    `CREATE TRIGGER ${q(`${type}_touch`)} BEFORE INSERT OR UPDATE ON ${q(type)} FOR EACH ROW EXECUTE FUNCTION sync_touch_row();`,
    `CREATE TRIGGER ${q(`${type}_log`)} AFTER INSERT OR UPDATE OR DELETE ON ${q(type)} FOR EACH ROW EXECUTE FUNCTION sync_log_change();`,
  ].join('\n');
}

/** The 12 entity tables, parents first. */
export function entitiesDdl(): string {
  return DEPENDENCY_ORDER.map(entityTableDdl).join('\n\n');
}
