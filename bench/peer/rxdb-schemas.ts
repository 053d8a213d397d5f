import { ENTITIES, ENTITY_TYPES, type EntityType, fieldSpecsOf } from '@wampums/schema';

/**
 * The peer's collections: the same 12 stores with the same secondary indexes as ours, so that
 * both engines pay for the same index writes. RxDB keys documents by client-made string ids, so
 * references are strings too; indexed fields must be required and bounded, so a null reference
 * is stored as ''.
 */
export interface PeerSchema {
  version: 0;
  primaryKey: 'id';
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  indexes: (string | string[])[];
}

const indexFields = (index: string) => (index.startsWith('[') ? index.slice(1, -1).split('+') : [index]);

interface ZodDef {
  _zod: { def: { type: string } };
}

function propertyOf(type: EntityType, field: string): Record<string, unknown> {
  if (field === 'organization_id') return { type: 'number', minimum: 0, maximum: 2 ** 31, multipleOf: 1 };
  if (field === 'created_at' || field === 'updated_at') return { type: 'string', maxLength: 40 };
  const spec = fieldSpecsOf(type)[field];
  if (!spec) throw new Error(`${type}.${field} is not declared`);
  if (spec.kind === 'ref') return { type: 'string', maxLength: 64 };
  if (spec.kind === 'user') return { type: 'number', minimum: 0, maximum: 2 ** 31, multipleOf: 1 };
  const zodType = (spec.base as unknown as ZodDef)._zod.def.type;
  return zodType === 'number'
    ? { type: 'number', minimum: -1e6, maximum: 1e6, multipleOf: 1 }
    : { type: 'string', maxLength: 64 };
}

/** The RxDB JSON schema of one collection. */
export function peerSchema(type: EntityType): PeerSchema {
  const indexes = ENTITIES[type].indexes.map(indexFields);
  const indexed = [...new Set(indexes.flat())];
  const properties: PeerSchema['properties'] = {
    id: { type: 'string', maxLength: 64 },
    // Set by the writer on every write: the endpoint's conflict check compares it.
    updatedAt: { type: 'number' },
    organization_id: {},
    created_at: {},
    updated_at: {},
  };
  for (const field of Object.keys(fieldSpecsOf(type))) properties[field] = {};
  for (const field of indexed) properties[field] = propertyOf(type, field);
  return {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties,
    required: ['id', ...indexed],
    indexes: indexes.map((fields) => (fields.length === 1 ? (fields[0] as string) : fields)),
  };
}

/** Our row as the peer's document: string ids and references, '' for a null indexed reference. */
export function toPeerDoc(type: EntityType, row: Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...row, id: String(row.id), updatedAt: 0 };
  const specs = fieldSpecsOf(type);
  for (const [field, spec] of Object.entries(specs)) {
    if (spec.kind === 'ref') doc[field] = row[field] == null ? '' : String(row[field]);
  }
  return doc;
}

export const PEER_COLLECTIONS: readonly EntityType[] = ENTITY_TYPES;
