import { ENTITIES, type EntityType, type ReadRule } from './entities';
import type { Role } from './roles';

/**
 * The read rules declared beside each entity (`ENTITIES[type].readers`), as questions. The
 * server answers REST and pull through them (`packages/server/src/sync/read-access.ts`); the app
 * uses them to hide what a role never receives.
 */

function ruleOf(type: EntityType): ReadRule {
  return ENTITIES[type].readers as ReadRule;
}

/** True when `role` receives rows of `type` at all. */
export function canRead(role: Role, type: EntityType): boolean {
  return ruleOf(type).roles.includes(role);
}

/** The fields of `type` that `role` does not receive (empty when it reads them all). */
export function hiddenFields(role: Role, type: EntityType): string[] {
  const fields = ruleOf(type).fields ?? {};
  return Object.entries(fields)
    .filter(([, roles]) => roles !== undefined && !roles.includes(role))
    .map(([field]) => field);
}

/**
 * A row as `role` may read it: `null` when the role does not read the entity, else the row
 * without the fields the role does not read (left out, not set to `null`: a hidden value is not
 * an empty one).
 */
export function readableRow<R extends Record<string, unknown>>(
  role: Role,
  type: EntityType,
  row: R,
): Partial<R> | null {
  if (!canRead(role, type)) return null;
  const hidden = hiddenFields(role, type);
  if (hidden.length === 0) return row;
  const copy: Record<string, unknown> = { ...row };
  for (const field of hidden) delete copy[field];
  return copy as Partial<R>;
}
