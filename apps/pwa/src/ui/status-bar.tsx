import { useState } from 'preact/hooks';
import { formatTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
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
          onClick={() => void store.sync().catch(() => undefined)}
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
                ? t('status.firstSync', { count: status.pullProgress.changes })
                : t('status.pulling', { count: status.pullProgress.changes })}
            </span>
          )}
        </div>
      )}
      {status.authPaused && (
        <a class="alert alert-warn" href="#/signin" data-testid="session-expired">
          {session.token === null
            ? t('waiting.signInToSend')
            : ended
              ? t('status.sessionRevoked', { why: t(`session.ended.${ended}`), count: own })
              : t('status.sessionExpired')}
        </a>
      )}
      <VersionAlerts status={status} own={own} />
      <WaitingForOthers waiting={status.waitingForOthers} class="alert alert-info" />
      {status.quotaWarning && <p class="alert alert-warn">{t('status.quota')}</p>}
      <DoubleDoseAlert />
      {status.conflictCount > 0 && (
        <a class="alert alert-warn" href="#/conflicts" data-testid="conflict-alert">
          {t('status.conflicts', { count: status.conflictCount })}
        </a>
      )}
      {status.failedCount > 0 && (
        <div class="alert alert-error">
          <button type="button" class="link-button" onClick={() => setShowFailed(!showFailed)}>
            {t('status.failed', { count: status.failedCount })}
          </button>
          {showFailed && <FailedChanges />}
        </div>
      )}
    </div>
  );
}
