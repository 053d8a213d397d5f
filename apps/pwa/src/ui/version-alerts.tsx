import type { SyncStatus } from '@wampums/client';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';
import { applyAppUpdate } from '../offline/app-update';

/**
 * The server no longer serves this version of the app (426 `upgrade_required`), or another tab
 * opened a newer version of the local database. Either way the waiting changes are kept; the
 * update is offered, and applied by itself when this person has nothing waiting.
 */
export function VersionAlerts({ status, own }: { status: SyncStatus; own: number }) {
  const { t, lang } = useI18n();
  const [notFound, setNotFound] = useState(false);
  const required = status.upgradeRequired !== null;
  const update = () => {
    setNotFound(false);
    void applyAppUpdate().then((found) => setNotFound(!found));
  };
  useEffect(() => {
    // Nothing of this person's to lose: update at once.
    if (required && own === 0) update();
  }, [required, own]);
  return (
    <>
      {required && (
        <div class="alert alert-warn" role="alert" data-testid="upgrade-required">
          <span>{t(pluralKey(lang, 'update.required', own), { count: own })}</span>{' '}
          <button type="button" class="small primary" onClick={update} data-testid="upgrade-apply">
            {t('update.now')}
          </button>
          {notFound && <p>{t('update.notFound')}</p>}
        </div>
      )}
      {status.replacedByNewerVersion && (
        <div class="alert alert-warn" role="alert" data-testid="replaced-by-newer">
          <span>{t('update.otherTab')}</span>{' '}
          <button type="button" class="small primary" onClick={() => location.reload()}>
            {t('update.reload')}
          </button>
        </div>
      )}
    </>
  );
}
