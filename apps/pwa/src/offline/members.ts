import { useEffect } from 'preact/hooks';
import { useApp, useLive } from './app-context';
import { readSession } from './session';

/**
 * Names of the organization's people by user id, from the session record in `_syncMeta` (kept
 * there by `AppData.refreshMembers`), so they show offline too. Empty until the first fetch.
 */
export function useMemberNames(): Map<string, string> {
  const members = useLive(['_syncMeta'], async (s) => (await readSession(s.db))?.members ?? [], []);
  return new Map((members ?? []).map((m) => [String(m.id), m.name]));
}

/** Fetches the people list again whenever the device comes back online. */
export function useMembersRefresh(): void {
  const { data } = useApp();
  useEffect(() => {
    const refresh = () => void data.refreshMembers();
    addEventListener('online', refresh);
    return () => removeEventListener('online', refresh);
  }, [data]);
}
