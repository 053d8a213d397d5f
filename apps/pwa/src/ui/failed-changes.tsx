import type { OutboxEntry } from '@wampums/schema';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { errorText } from './error-text';
import { entityLabel, operationLabel } from './labels';

/**
 * Changes the server refused, each with its reason in the page's language, what to do, a retry
 * button and "undo my change". Changes that failed on the network are not listed: they are
 * kept and sent again by themselves (the status bar says when).
 */
export function FailedChanges() {
  const { t } = useI18n();
  const { store } = useApp();
  const failed = useLive(['_outbox'], (s) => s.outbox.list({ status: ['failed'] }), []);
  const refused = failed?.filter(isRefused) ?? [];
  if (refused.length === 0) return null;
  const act = (entry: OutboxEntry, action: 'retry' | 'discard') => {
    if (entry.localId !== undefined) void store.outbox[action](entry.localId).catch(() => undefined);
  };
  return (
    <>
      <ul class="failed-list" data-testid="refused-list">
        {refused.map((entry) => (
          <li key={entry.localId}>
            <span>
              {entityLabel(t, entry.entityType)} · {operationLabel(t, entry.operation)}
            </span>
            <span class="reason">{errorText(t, entry.lastError)}</span>
            <span class="actions">
              <button type="button" class="small" onClick={() => act(entry, 'retry')}>
                {t('action.retry')}
              </button>
              <button type="button" class="small secondary" onClick={() => act(entry, 'discard')}>
                {t('failed.undo')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <p class="sub">{t('failed.what')}</p>
    </>
  );
}

/** A refusal waits for a person; a network failure has its next automatic try. */
function isRefused(entry: OutboxEntry): boolean {
  return typeof entry.nextAttemptAt !== 'number';
}
