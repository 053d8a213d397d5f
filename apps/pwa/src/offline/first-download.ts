import type { SyncStatus } from '@wampums/client';
import { useApp, useSyncStatus } from './app-context';

/**
 * The unit has never been downloaded to this phone (no complete sync yet): an empty list then
 * means "still coming", not "nothing there", and adding a record would start from a blank unit.
 */
export function isFirstDownload(status: SyncStatus): boolean {
  return status.lastSyncAt === null;
}

/** Whether the first download is still to complete (the status bar shows its progress). */
export function useFirstDownload(): { loading: boolean } {
  const { store } = useApp();
  return { loading: isFirstDownload(useSyncStatus(store)) };
}
