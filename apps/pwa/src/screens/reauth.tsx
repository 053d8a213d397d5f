import { useI18n } from '../i18n/i18n-context';
import { useApp, useSyncStatus } from '../offline/app-context';
import type { AppSession } from '../offline/session';
import { navigate } from '../ui/router';
import { Screen } from '../ui/screen';
import { sessionEndOf } from '../ui/session-end';
import { SignInForm } from '../ui/sign-in-form';

/** Signing in again after the session expired: local data and waiting changes are kept. */
export function ReauthScreen(props: { onSession(session: AppSession): void }) {
  const { data, session, store } = useApp();
  const { t } = useI18n();
  const status = useSyncStatus(store);
  const ended = sessionEndOf(status.lastError);
  return (
    <Screen title={t('reauth.title')}>
      {ended && (
        <p class="alert alert-warn" data-testid="session-ended">
          {t(`session.ended.${ended}`)}
        </p>
      )}
      <p class="muted">{t('reauth.hint')}</p>
      <SignInForm
        data={data}
        email={session.user.email}
        onSignedIn={(next) => {
          props.onSession(next);
          navigate('participants');
        }}
      />
    </Screen>
  );
}
