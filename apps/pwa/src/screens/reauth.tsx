import { useI18n } from '../i18n/i18n-context';
import { useApp, useSyncStatus } from '../offline/app-context';
import type { AppSession } from '../offline/session';
import { navigate } from '../ui/router';
import { Screen } from '../ui/screen';
import { sessionEndOf } from '../ui/session-end';
import { SignInForm } from '../ui/sign-in-form';

/**
 * Signing in again: after the session expired (or the server ended it), after an offline sign-in
 * (to send the changes made since), or by choice while the session is still good. Each case has
 * its own title, so a leader is never told "session expired" while signed in. Local data and
 * waiting changes are kept.
 */
export function ReauthScreen(props: { onSession(session: AppSession): void }) {
  const { data, session, store } = useApp();
  const { t } = useI18n();
  const status = useSyncStatus(store);
  const ended = sessionEndOf(status.lastError);
  const why = session.token === null ? 'offline' : status.authPaused ? 'expired' : 'active';
  const title = {
    offline: t('reauth.titleOffline'),
    expired: t('reauth.title'),
    active: t('reauth.titleActive'),
  }[why];
  const hint = {
    offline: t('reauth.hintOffline'),
    expired: t('reauth.hint'),
    active: t('reauth.hintActive'),
  }[why];
  return (
    <Screen title={title}>
      {ended && (
        <p class="alert alert-warn" data-testid="session-ended">
          {t(`session.ended.${ended}`)}
        </p>
      )}
      <p class="muted" data-testid="reauth-hint" data-why={why}>
        {hint}
      </p>
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
