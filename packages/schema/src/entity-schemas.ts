import { z } from 'zod';
import { ENTITIES, ENTITY_TYPES, type Entities, type EntityType, fieldSpecsOf } from './entities';
import { type FieldValue, inputFieldSchema, rowFieldSchema } from './field-spec';
import { isoInstant, serverId } from './field-types';
import type { TempId } from './temp-id';

/** The columns the server assigns to every row. */
export interface RowBase {
  id: number;
  organization_id: number;
  created_at: string;
  updated_at: string;
}

type FieldsOf<E extends EntityType> = Entities[E]['fields'];

/** The own fields of an entity, as stored. */
export type EntityFields<E extends EntityType> = { [K in keyof FieldsOf<E>]: FieldValue<FieldsOf<E>[K]> };

/** A row as the server stores and sends it. */
export type EntityRow<E extends EntityType> = RowBase & EntityFields<E>;

/** A record in the local store: until synced, its id and foreign keys may be temp ids. */
export type LocalRecord<E extends EntityType> = Omit<EntityRow<E>, 'id'> & { id: number | TempId } & Record<
    string,
    unknown
  >;

/** The fields a create payload may carry (unknown keys are refused). */
export type CreatePayload<E extends EntityType> = Partial<Record<keyof FieldsOf<E>, unknown>>;
/** The fields an update patch may carry. */
export type UpdatePatch<E extends EntityType> = Partial<Record<keyof FieldsOf<E>, unknown>>;

const rowBaseShape = {
  id: serverId,
  organization_id: serverId,
  created_at: isoInstant,
  updated_at: isoInstant,
};

function build(type: EntityType) {
  const specs = fieldSpecsOf(type);
  const rowShape: Record<string, z.ZodType> = { ...rowBaseShape };
  const createShape: Record<string, z.ZodType> = {};
  const patchShape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(specs)) {
    rowShape[name] = rowFieldSchema(spec);
    const input = inputFieldSchema(spec);
    createShape[name] = spec.required ? input : input.optional();
    patchShape[name] = input.optional();
  }
  return {
    row: z.object(rowShape),
    // Strict: a payload naming `organization_id`, `id` or any unknown field is refused outright,
    // so a forged organization can never slip through as an ignored extra.
    create: z.strictObject(createShape),
    patch: z.strictObject(patchShape).refine((patch) => Object.keys(patch).length > 0, {
      message: 'an update must change at least one field',
    }),
  };
}

const built = Object.fromEntries(ENTITY_TYPES.map((t) => [t, build(t)])) as Record<
  EntityType,
  ReturnType<typeof build>
>;

/** Schema of a stored row of `type` (what the server answers). */
export function rowSchema(type: EntityType): z.ZodType<Record<string, unknown>> {
  return built[type].row as z.ZodType<Record<string, unknown>>;
}

/** Schema of a create payload of `type`: required fields present, foreign keys as ids or temp ids. */
export function createPayloadSchema(type: EntityType): z.ZodType<Record<string, unknown>> {
  return built[type].create as z.ZodType<Record<string, unknown>>;
}

/** Schema of an update patch of `type`: any non-empty subset of the fields. */
export function updatePatchSchema(type: EntityType): z.ZodType<Record<string, unknown>> {
  return built[type].patch as z.ZodType<Record<string, unknown>>;
}

/**
 * Fills the fields a create payload left out with their declared defaults (user fields with
 * `userId`), so that a record looks the same on the device and on the server.
 */
export function applyCreateDefaults<E extends EntityType>(
  type: E,
  payload: Record<string, unknown>,
  userId: number | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...payload };
  for (const [name, spec] of Object.entries(fieldSpecsOf(type))) {
    if (out[name] !== undefined) continue;
    if (spec.kind === 'user') out[name] = userId;
    else if ('default' in spec) out[name] = JSON.parse(JSON.stringify(spec.default ?? null)); // a fresh copy of list defaults
  }
  return out;
}

/** The names of the own fields of an entity, in declaration order. */
export function fieldNamesOf(type: EntityType): string[] {
  return Object.keys(ENTITIES[type].fields);
}
