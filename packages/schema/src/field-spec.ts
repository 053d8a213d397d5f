import type { z } from 'zod';
import { idRef, serverId } from './field-types';

/** How a row of the parent is treated when deleting it would orphan this field. */
export type OnDelete = 'cascade' | 'set-null';

/**
 * One field of an entity, declared once. From it come the server row schema, the create
 * payload schema, the update patch schema, the SQL column and the foreign-key graph.
 *
 * - `nullable`: the stored value may be `null`.
 * - `required`: a create payload must give it (otherwise the default, or the signed-in user
 *   for `kind: 'user'`, or `null`).
 */
export interface FieldSpec<T = unknown, N extends boolean = boolean> {
  readonly kind: 'value' | 'ref' | 'user';
  readonly base: z.ZodType<T>;
  readonly nullable: N;
  readonly required: boolean;
  readonly default?: T | null;
  /** For `kind: 'ref'`: the entity store this field points at. */
  readonly references?: string;
  /** A soft reference orders pushes but does not own the child (the child outlives its parent). */
  readonly soft?: boolean;
  readonly onDelete?: OnDelete;
  /** For `kind: 'user'`: how the server fills it from the session (see {@link Authorship}). */
  readonly author?: Authorship;
}

/**
 * How a user field names the person who wrote the row, always taken from the session and never
 * from a payload (docs/privacy.md, "Authors"):
 * - `creator`: the person who created the row (`created_by`, `assigned_by`); kept on updates;
 * - `writer`: the person who wrote its last version (a dose's recorder, `administered_by`);
 * - `owner`: the creator, who alone (or an admin) may change or delete the row (a carpool
 *   offer's driver).
 */
export type Authorship = 'creator' | 'writer' | 'owner';

/** A value every create must give. */
export function required<T>(base: z.ZodType<T>): FieldSpec<T, false> {
  return { kind: 'value', base, nullable: false, required: true };
}

/** A value that may be left out on create (stored as `null`). */
export function optional<T>(base: z.ZodType<T>): FieldSpec<T, true> {
  return { kind: 'value', base, nullable: true, required: false, default: null };
}

/** A value that may be left out on create, then taking `value`. */
export function withDefault<T>(base: z.ZodType<T>, value: T): FieldSpec<T, false> {
  return { kind: 'value', base, nullable: false, required: false, default: value };
}

/** A foreign key to another entity store; it may hold a temp id until the parent is synced. */
export function ref(
  references: string,
  options: { nullable: true; soft?: boolean; onDelete?: OnDelete },
): FieldSpec<number, true>;
export function ref(
  references: string,
  options?: { nullable?: false; onDelete?: OnDelete },
): FieldSpec<number, false>;
export function ref(
  references: string,
  options: { nullable?: boolean; soft?: boolean; onDelete?: OnDelete } = {},
): FieldSpec<number, boolean> {
  const nullable = options.nullable ?? false;
  return {
    kind: 'ref',
    base: serverId,
    nullable,
    required: !nullable,
    references,
    soft: options.soft ?? false,
    onDelete: options.onDelete ?? (nullable ? 'set-null' : 'cascade'),
    ...(nullable ? { default: null } : {}),
  };
}

/** A user id (`created_by`, `assigned_by`...): the server sets it from the session ({@link Authorship}). */
export function user(author: Authorship = 'creator'): FieldSpec<number, true> {
  return { kind: 'user', base: serverId, nullable: true, required: false, author };
}

/** The schema of the stored value (server row). */
export function rowFieldSchema(spec: FieldSpec): z.ZodType {
  return spec.nullable ? spec.base.nullable() : spec.base;
}

/** The schema of the value in a create payload or update patch (foreign keys may be temp ids). */
export function inputFieldSchema(spec: FieldSpec): z.ZodType {
  const base = spec.kind === 'ref' ? idRef : spec.base;
  return spec.nullable ? base.nullable() : base;
}

export type FieldValue<F> = F extends FieldSpec<infer T, infer N> ? (N extends true ? T | null : T) : never;
