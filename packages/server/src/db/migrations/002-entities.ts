import { entitiesDdl } from './entity-ddl';

/**
 * The 12 entity tables, generated from the shared declarations. A later change to the
 * declarations needs a new migration (ALTER TABLE ...): this one is applied once per database.
 */
export const entitiesMigration = {
  id: '002-entities',
  get sql() {
    return entitiesDdl();
  },
};
