import type { OfflineStore, SyncStatus } from '@wampums/client';
import type { StoreName } from '@wampums/schema';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { AppSession } from './session';
import type { AppData } from './store';

export interface AppContextValue {
  data: AppData;
  store: OfflineStore;
  session: AppSession;
  /** The signed-in person may only read (a viewer): screens offer no change. */
  readOnly: boolean;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The data of the signed-in app. */
export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside a signed-in app');
  return value;
}

/**
 * A live query of the offline store: re-runs when one of the `watch` stores changes here, in
 * another tab or in the service worker. `undefined` until the first answer.
 *
 * Counting each watched store first makes the live query observe the whole store, whatever the
 * screen's function awaits: Dexie's `liveQuery` only sees reads made through Dexie promises, and a
 * screen combining several reads with other async work must still never miss its own writes.
 */
export function useLive<T>(
  watch: readonly StoreName[],
  fn: (store: OfflineStore) => Promise<T>,
  deps: readonly unknown[],
): T | undefined {
  const { store } = useApp();
  const [value, setValue] = useState<T | undefined>(undefined);
  const watched = watch.join(',');
  useEffect(
    () =>
      store
        .live(async () => {
          await Promise.all(watched.split(',').map((name) => store.db.table(name).count()));
          return fn(store);
        })
        .subscribe(setValue, (error) => console.error('live query failed', error)),
    [store, watched, ...deps],
  );
  return value;
}

/** The sync status, updated on every change. */
export function useSyncStatus(store: OfflineStore): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(store.status.current);
  useEffect(() => store.status.subscribe(setStatus), [store]);
  return status;
}
