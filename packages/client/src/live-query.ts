import { liveQuery } from 'dexie';
import type { LiveQuery } from './types';

/**
 * Wraps Dexie's `liveQuery`: `fn` re-runs whenever a store it read changes, in this context or
 * another (tabs and the service worker are told through Dexie's cross-context channel).
 */
export function live<T>(fn: () => Promise<T>): LiveQuery<T> {
  const observable = liveQuery(fn);
  return {
    subscribe(next, error) {
      const subscription = observable.subscribe({
        next,
        error: (e: unknown) => error?.(e),
      });
      return () => subscription.unsubscribe();
    },
  };
}
