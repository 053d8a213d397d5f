import { authorFieldsOf, type EntityType, WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Row } from '../entities/rows';

/**
 * Who wrote a row comes from the session, never from the payload (docs/privacy.md, "Authors").
 * Each user field declares how (`user('creator' | 'writer' | 'owner')` in
 * packages/schema/src/entities.ts): push and REST writes both pass here.
 */

/** A create: every user field names the signed-in person, whatever the payload said. */
export function stampCreateAuthors(actor: Actor, type: EntityType, values: Row): void {
  for (const { field } of authorFieldsOf(type)) values[field] = actor.userId;
}

/**
 * An update: a `writer` field names the signed-in person; a `creator` or `owner` field keeps
 * its value (a payload cannot move a row to another author).
 */
export function stampUpdateAuthors(actor: Actor, type: EntityType, patch: Row): void {
  for (const { field, author } of authorFieldsOf(type)) {
    if (author === 'writer') patch[field] = actor.userId;
    else delete patch[field];
  }
}

/** True when some user field of the type owns its rows (they need a read before a change). */
export function hasOwner(type: EntityType): boolean {
  return authorFieldsOf(type).some((f) => f.author === 'owner');
}

/** Refuses a change or delete of a row owned by someone else, unless by an admin (403 `not_owner`). */
export function assertMayChangeOwned(actor: Actor, type: EntityType, current: Row): void {
  if (actor.role === 'admin') return;
  for (const { field, author } of authorFieldsOf(type)) {
    if (author !== 'owner') continue;
    const owner = current[field];
    if (owner !== null && owner !== undefined && Number(owner) !== actor.userId) {
      throw new WampumsError(
        'not_owner',
        type === 'carpool_offers'
          ? 'Only the driver of this carpool offer, or an admin, may change or delete it'
          : `Only the person in ${field}, or an admin, may change or delete this ${type} row`,
        { field },
      );
    }
  }
}
