import type { OfflineStore, SyncStatus } from '@wampums/client';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { AppSession } from './session';
import type { AppData } from './store';

export interface AppContextValue {
  data: AppData;
  store: OfflineStore;
  session: AppSession;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The data of the signed-in app. */
export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside a signed-in app');
  return value;
}

/**
 * A live query of the offline store: re-runs when a store it read changes here, in another tab or
 * in the service worker. `undefined` until the first answer.
 */
export function useLive<T>(fn: (store: OfflineStore) => Promise<T>, deps: readonly unknown[]): T | undefined {
  const { store } = useApp();
  const [value, setValue] = useState<T | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `fn` reads
  useEffect(
    () =>
      store.live(() => fn(store)).subscribe(setValue, (error) => console.error('live query failed', error)),
    [store, ...deps],
  );
  return value;
}

/** The sync status, updated on every change. */
export function useSyncStatus(store: OfflineStore): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(store.status.current);
  useEffect(() => store.status.subscribe(setStatus), [store]);
  return status;
}
