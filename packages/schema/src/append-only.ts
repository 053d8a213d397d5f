import { ENTITIES, type EntityType } from './entities';

/**
 * Append-only records (the seed's honors: "create-wins, creates never conflict"): created and
 * deleted, never edited, so no update can conflict with another. An edit of one is refused on
 * the device and on the server (`read_only`, 405 over REST); correcting an honor means deleting
 * it (its points go with it) and awarding it again. docs/domain.md, "Honors".
 */
export function refusesUpdates(type: EntityType): boolean {
  return ENTITIES[type].conflictStrategy === 'create-wins';
}
