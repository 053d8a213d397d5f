import type { OfflineStore } from '@wampums/client';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';
import { useSyncStatus } from '../offline/app-context';
import { ownPendingCount } from './waiting-changes';

/**
 * Removing the unit from the phone: a separate, explicit action. It says what would be lost (the
 * changes not sent yet, by whom) and, while changes wait, stays refused until the person accepts
 * losing them.
 */
export function RemoveUnit(props: { store: OfflineStore; unitName: string; onRemove(): Promise<void> }) {
  const { t, lang } = useI18n();
  const status = useSyncStatus(props.store);
  const [open, setOpen] = useState(false);
  const [accepted, setAccepted] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!open) {
    return (
      <button type="button" class="secondary wide" onClick={() => setOpen(true)} data-testid="remove-unit">
        {t('unit.remove')}
      </button>
    );
  }
  const lost = status.pendingCount;
  const others = status.waitingForOthers;
  const own = ownPendingCount(status);
  const byWhom = [
    ...others.map((w) =>
      t(pluralKey(lang, 'unit.losesBy', w.count), {
        count: w.count,
        name: w.authorName ?? t('waiting.unknownAuthor', { id: w.authorId }),
      }),
    ),
  ];
  if (own > 0 && byWhom.length > 0) byWhom.unshift(String(own));
  return (
    <div class="card" data-testid="remove-unit-confirm">
      <p>{t('unit.removeWhat', { unit: props.unitName })}</p>
      {lost > 0 ? (
        <>
          <p class="alert alert-error" data-testid="remove-unit-loses" data-count={lost}>
            {t(pluralKey(lang, 'unit.loses', lost), { count: lost })}
            {byWhom.length > 0 ? ` (${byWhom.join(', ')})` : ''}
          </p>
          <label class="check">
            <input
              type="checkbox"
              checked={accepted}
              onChange={(e) => setAccepted(e.currentTarget.checked)}
              data-testid="remove-unit-accept"
            />
            {t('unit.accept')}
          </label>
        </>
      ) : (
        <p class="alert alert-ok">{t('unit.nothingLost')}</p>
      )}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          {t('action.cancel')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={busy || (lost > 0 && !accepted)}
          onClick={() => {
            setBusy(true);
            void props.onRemove().finally(() => setBusy(false));
          }}
          data-testid="confirm-remove-unit"
        >
          {t('unit.confirm')}
        </button>
      </div>
    </div>
  );
}
