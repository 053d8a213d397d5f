import { jsonEqual } from '@wampums/schema';

/**
 * The fields of `next` that differ from `current`. Only these go into an update, so that two
 * leaders editing different fields of one record both keep their edit (field-level merge).
 */
export function changedFields(
  current: Record<string, unknown>,
  next: Record<string, unknown>,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(next)) {
    if (!jsonEqual(current[field] ?? null, value ?? null)) patch[field] = value;
  }
  return patch;
}

/** A text input's value as a nullable field: blank means "not given". */
export function textOrNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * A form open while its record changes underneath (a pull, another tab): the fields the leader
 * has not touched take the record's new values, the ones they edited keep their edit.
 */
export function rebaseForm<F extends object>(base: F, form: F, fresh: F): F {
  const edited = changedFields(base as Record<string, unknown>, form as Record<string, unknown>);
  return { ...fresh, ...edited } as F;
}
