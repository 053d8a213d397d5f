import type { SyncStatus, WaitingChanges } from '@wampums/client';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';

/** The changes of the signed-in person (or of nobody known), without other people's. */
export function ownPendingCount(status: SyncStatus): number {
  return Math.max(0, status.pendingCount - status.waitingForOthers.reduce((n, w) => n + w.count, 0));
}

/** "3 changes by Mathieu will be sent when Mathieu signs in", one line per other person. */
export function WaitingForOthers(props: { waiting: readonly WaitingChanges[]; class?: string }) {
  const { t, lang } = useI18n();
  if (props.waiting.length === 0) return null;
  return (
    <ul class={`waiting-others ${props.class ?? ''}`} data-testid="waiting-others">
      {props.waiting.map((w) => {
        const name = w.authorName ?? t('waiting.unknownAuthor', { id: w.authorId });
        return (
          <li key={w.authorId} data-author={w.authorId} data-count={w.count}>
            {t(pluralKey(lang, 'waiting.byAuthor', w.count), { count: w.count, name })}
          </li>
        );
      })}
    </ul>
  );
}
