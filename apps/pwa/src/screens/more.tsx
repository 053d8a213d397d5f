import { useI18n } from '../i18n/i18n-context';
import { useApp, useSyncStatus } from '../offline/app-context';
import { LangSwitch } from '../ui/lang-switch';
import { RemoveUnit } from '../ui/remove-unit';
import { Screen } from '../ui/screen';

/** The other places, the language, signing out (locking the app), and removing the unit. */
export function MoreScreen(props: { onSignOut(): Promise<void>; onRemoveUnit(): Promise<void> }) {
  const { store, session, data } = useApp();
  const { t } = useI18n();
  const status = useSyncStatus(store);
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
      <p class="muted">{t('settings.signOutHint')}</p>
      <button
        type="button"
        class="primary wide"
        onClick={() => void props.onSignOut()}
        data-testid="sign-out"
      >
        {t('settings.signOut')}
      </button>
      <RemoveUnit
        store={store}
        unitName={data.unit?.organization?.name ?? session.organization?.name ?? t('lock.unitUnknown')}
        onRemove={props.onRemoveUnit}
      />
    </Screen>
  );
}
