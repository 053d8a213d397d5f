import { type EntityType, type FieldSpec, fieldSpecsOf } from '@wampums/schema';

/** The SQL column of one declared field, read from the field's zod schema. */
export interface ColumnSpec {
  readonly name: string;
  readonly sqlType: 'integer' | 'double precision' | 'boolean' | 'text' | 'date' | 'timestamptz(3)' | 'jsonb';
  readonly nullable: boolean;
  /** Allowed values of an enum field (a CHECK constraint). */
  readonly enumValues: readonly string[] | null;
}

interface ZodInternals {
  _zod: { def: { type: string; format?: string; entries?: Record<string, string>; checks?: ZodCheck[] } };
}
interface ZodCheck {
  _zod: { def: { check: string; format?: string } };
}

function sqlTypeOf(spec: FieldSpec): ColumnSpec['sqlType'] {
  if (spec.kind !== 'value') return 'integer';
  const def = (spec.base as unknown as ZodInternals)._zod.def;
  switch (def.type) {
    case 'boolean':
      return 'boolean';
    case 'array':
    case 'object':
      return 'jsonb';
    case 'enum':
      return 'text';
    case 'number': {
      const isInt = (def.checks ?? []).some((c) => c._zod.def.format === 'safeint');
      return isInt ? 'integer' : 'double precision';
    }
    case 'string':
      if (def.format === 'date') return 'date';
      if (def.format === 'datetime') return 'timestamptz(3)';
      return 'text';
    default:
      throw new Error(`no SQL column type for a zod ${def.type}`);
  }
}

function enumValuesOf(spec: FieldSpec): string[] | null {
  const def = (spec.base as unknown as ZodInternals)._zod.def;
  return def.type === 'enum' && def.entries ? Object.values(def.entries) : null;
}

const cache = new Map<EntityType, ColumnSpec[]>();

/** The own columns of an entity, in declaration order. */
export function columnsOf(type: EntityType): ColumnSpec[] {
  let columns = cache.get(type);
  if (!columns) {
    columns = Object.entries(fieldSpecsOf(type)).map(([name, spec]) => ({
      name,
      sqlType: sqlTypeOf(spec),
      nullable: spec.nullable,
      enumValues: enumValuesOf(spec),
    }));
    cache.set(type, columns);
  }
  return columns;
}
