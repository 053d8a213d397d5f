import type { OutboxEntry } from '@wampums/schema';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { errorText } from './error-text';
import { entityLabel, operationLabel } from './labels';

/** Changes the server refused or the network lost, each with its reason and a retry button. */
export function FailedChanges() {
  const { t } = useI18n();
  const failed = useLive(['_outbox'], (store) => store.outbox.list({ status: ['failed'] }), []);
  const retry = useRetry();
  if (!failed || failed.length === 0) return null;
  return (
    <ul class="failed-list">
      {failed.map((entry) => (
        <li key={entry.localId}>
          <span>
            {entityLabel(t, entry.entityType)} · {operationLabel(t, entry.operation)}
          </span>
          <span class="reason">{errorText(t, entry.lastError)}</span>
          <button type="button" class="small" onClick={() => retry(entry)}>
            {t('action.retry')}
          </button>
        </li>
      ))}
    </ul>
  );
}

function useRetry() {
  const { store } = useApp();
  return (entry: OutboxEntry) => {
    if (entry.localId !== undefined) void store.outbox.retry(entry.localId).catch(() => undefined);
  };
}
