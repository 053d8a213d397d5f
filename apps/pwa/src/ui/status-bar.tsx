import { useState } from 'preact/hooks';
import { formatTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';
import { useApp, useSyncStatus } from '../offline/app-context';
import { DoubleDoseAlert } from './double-dose-alert';
import { FailedChanges } from './failed-changes';
import { sessionEndOf } from './session-end';
import { VersionAlerts } from './version-alerts';
import { ownPendingCount, WaitingForOthers } from './waiting-changes';

/**
 * Always on screen: online or offline, changes waiting, last sync, a progress bar while pulling,
 * and the problems a leader must act on (failed changes, conflicts, an expired session, full storage).
 */
export function StatusBar() {
  const { store, session } = useApp();
  const { t, lang } = useI18n();
  const status = useSyncStatus(store);
  // Other people's changes wait for them: counted apart, they are not this person's to send.
  const own = ownPendingCount(status);
  const [showFailed, setShowFailed] = useState(false);
  // A person's "sync now": everything waiting goes at once, whatever the retry delay.
  const syncNow = () => void store.sync({ resetBackoff: true }).catch(() => undefined);
  const ended = sessionEndOf(status.lastError);
  const last = status.lastSyncAt
    ? t('status.lastSync', {
        time: formatTime(lang, status.lastSyncAt),
      })
    : t('status.neverSynced');
  return (
    <div class="status" role="status" aria-live="polite">
      <div class="status-row">
        <span class={`pill ${status.online ? 'pill-online' : 'pill-offline'}`} data-testid="connectivity">
          {status.online ? t('status.online') : t('status.offline')}
        </span>
        <span class="status-pending" data-testid="pending-count" data-count={own}>
          {t('status.pending', { count: own })}
        </span>
        <span class="status-last" data-testid="last-sync">
          {last}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label={t('status.syncNow')}
          title={t('status.syncNow')}
          disabled={!status.online || status.syncing}
          onClick={syncNow}
          data-testid="sync-now"
        >
          ↻
        </button>
      </div>
      {status.syncing && (
        <div class="progress" data-testid="sync-progress">
          <div class="progress-bar" />
          {status.pullProgress && (
            <span class="progress-text">
              {status.lastSyncAt === null
                ? t(pluralKey(lang, 'status.firstSync', status.pullProgress.changes), {
                    count: status.pullProgress.changes,
                  })
                : t(pluralKey(lang, 'status.pulling', status.pullProgress.changes), {
                    count: status.pullProgress.changes,
                  })}
            </span>
          )}
        </div>
      )}
      {status.authPaused && (
        <a class="alert alert-warn" href="#/signin" data-testid="session-expired">
          {session.token === null
            ? t('waiting.signInToSend')
            : ended
              ? t(pluralKey(lang, 'status.sessionRevoked', own), {
                  why: t(`session.ended.${ended}`),
                  count: own,
                })
              : t('status.sessionExpired')}
        </a>
      )}
      <VersionAlerts status={status} own={own} />
      <WaitingForOthers waiting={status.waitingForOthers} class="alert alert-info" />
      {status.quotaWarning && <p class="alert alert-warn">{t('status.quota')}</p>}
      <DoubleDoseAlert />
      {status.conflictCount > 0 && (
        <a class="alert alert-warn" href="#/conflicts" data-testid="conflict-alert">
          {t(pluralKey(lang, 'status.conflicts', status.conflictCount), { count: status.conflictCount })}
        </a>
      )}
      {!status.online && own > 0 && (
        <p class="alert alert-info" data-testid="offline-kept" data-count={own}>
          {t(pluralKey(lang, 'status.offlineKept', own), { count: own })}
        </p>
      )}
      {status.online && status.retryingCount > 0 && status.nextRetryAt !== null && (
        <p
          class="alert alert-info"
          data-testid="retrying"
          data-count={status.retryingCount}
          data-next-at={status.nextRetryAt}
        >
          {t(pluralKey(lang, 'status.retrying', status.retryingCount), {
            count: status.retryingCount,
            time: formatTime(lang, Math.max(status.nextRetryAt, Date.now())),
          })}{' '}
          <button type="button" class="link-button" onClick={syncNow} disabled={status.syncing}>
            {t('status.sendNow')}
          </button>
        </p>
      )}
      {status.refusedCount > 0 && (
        <div class="alert alert-error" data-testid="refused" data-count={status.refusedCount}>
          <button
            type="button"
            class="link-button"
            aria-expanded={showFailed}
            onClick={() => setShowFailed(!showFailed)}
          >
            {t(pluralKey(lang, 'status.failed', status.refusedCount), { count: status.refusedCount })}
          </button>
          {showFailed && <FailedChanges />}
        </div>
      )}
    </div>
  );
}
