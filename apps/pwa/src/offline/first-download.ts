import type { SyncStatus } from '@wampums/client';
import { useApp, useSyncStatus } from './app-context';

/**
 * The unit has never been downloaded to this phone (no complete sync yet): an empty list then
 * means "still coming", not "nothing there", and adding a record would start from a blank unit.
 */
export function isFirstDownload(status: SyncStatus): boolean {
  return status.lastSyncAt === null;
}

/** Whether the first download runs, and how many items arrived so far (`null` before the first page). */
export function useFirstDownload(): { loading: boolean; received: number | null } {
  const { store } = useApp();
  const status = useSyncStatus(store);
  return { loading: isFirstDownload(status), received: status.pullProgress?.changes ?? null };
}
