import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';
import { OfflineStoreError } from './errors';
import { holdsClearFields, SEALABLE_STORES } from './sealing';

/** Whether the stores are locked: their sensitive fields sealed (`sealing.ts`). */
export interface SealingState {
  locked: boolean;
}

/**
 * A Dexie DBCore middleware that refuses, while the stores are locked, any write putting a
 * sensitive field in clear (`locked`): a record written then would lie unsealed on the phone
 * (docs/privacy.md, "At rest on the phone"). Writes carrying no sensitive field, and the
 * sealing itself, go through. It changes no store and no index.
 */
export function sealingGuard(state: SealingState): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'sealingGuard',
    create(down) {
      return {
        ...down,
        table(name) {
          const table = down.table(name);
          if (!SEALABLE_STORES.includes(name)) return table;
          return {
            ...table,
            mutate(req: DBCoreMutateRequest) {
              if (
                state.locked &&
                (req.type === 'add' || req.type === 'put') &&
                req.values.some((value) => holdsClearFields(name, value))
              ) {
                return Promise.reject(
                  new OfflineStoreError('locked', `The app is locked: sign in to change ${name}`),
                );
              }
              return table.mutate(req);
            },
          };
        },
      };
    },
  };
}
