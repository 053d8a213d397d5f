import { ENTITIES, type EntityType, fieldSpecsOf, LIST_LIMITS } from '@wampums/schema';
import { z } from 'zod';
import { columnsOf } from '../db/column-types';

/** The fields a list can filter on: the seed's single-field indexes (the organization is implicit). */
export function filterFieldsOf(type: EntityType): string[] {
  const own = new Set(columnsOf(type).map((c) => c.name));
  return ENTITIES[type].indexes.filter((index) => !index.startsWith('[') && own.has(index));
}

const idParam = z
  .string()
  .regex(/^\d{1,10}$/, 'expected an id')
  .transform(Number)
  .pipe(z.number().int().positive().max(2_147_483_647));

/** A path `:id` parameter. */
export const idParamSchema = idParam;

const cache = new Map<EntityType, z.ZodType<Record<string, unknown>>>();

/** The query schema of `GET /{type}`: limit, cursor, and one equality filter per indexed field. */
export function listQuerySchema(type: EntityType): z.ZodType<Record<string, unknown>> {
  let schema = cache.get(type);
  if (!schema) {
    const specs = fieldSpecsOf(type);
    const shape: Record<string, z.ZodType> = {
      limit: z.coerce.number().int().min(1).max(LIST_LIMITS.maxLimit).default(LIST_LIMITS.defaultLimit),
      cursor: z.string().min(1).max(200).optional(),
    };
    for (const field of filterFieldsOf(type)) {
      const spec = specs[field];
      if (!spec) continue;
      shape[field] = (spec.kind === 'value' ? spec.base : idParam).optional();
    }
    schema = z.strictObject(shape) as z.ZodType<Record<string, unknown>>;
    cache.set(type, schema);
  }
  return schema;
}
