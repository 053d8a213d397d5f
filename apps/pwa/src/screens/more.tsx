import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useSyncStatus } from '../offline/app-context';
import { LangSwitch } from '../ui/lang-switch';
import { Screen } from '../ui/screen';

/** The other places, the language, and signing out. */
export function MoreScreen(props: { onSignOut(): Promise<void> }) {
  const { store, session } = useApp();
  const { t } = useI18n();
  const status = useSyncStatus(store);
  const [confirming, setConfirming] = useState(false);
  const links = [
    { href: '#/activities', label: t('nav.activities') },
    { href: '#/badges', label: t('nav.badges') },
    { href: '#/conflicts', label: t('nav.conflicts', { count: status.conflictCount }) },
    { href: '#/sync', label: t('nav.sync') },
  ];
  return (
    <Screen title={t('nav.more')}>
      <ul class="list">
        {links.map((l) => (
          <li key={l.href}>
            <a class="row" href={l.href}>
              <span class="row-main">{l.label}</span>
              <span aria-hidden="true">›</span>
            </a>
          </li>
        ))}
      </ul>
      <h2>{t('settings.language')}</h2>
      <LangSwitch />
      <h2>{t('settings.account')}</h2>
      <p class="muted">
        {session.user.name} · {session.user.email}
        {session.organization ? ` · ${session.organization.name}` : ''}
      </p>
      {!confirming ? (
        <button
          type="button"
          class="secondary wide"
          onClick={() => setConfirming(true)}
          data-testid="sign-out"
        >
          {t('settings.signOut')}
        </button>
      ) : (
        <div class="card">
          <p class={status.pendingCount > 0 ? 'alert alert-error' : ''}>
            {status.pendingCount > 0
              ? t('settings.signOutUnsynced', { count: status.pendingCount })
              : t('settings.signOutConfirm')}
          </p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t('action.cancel')}
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => void props.onSignOut()}
              data-testid="confirm-sign-out"
            >
              {t('settings.signOut')}
            </button>
          </div>
        </div>
      )}
    </Screen>
  );
}
