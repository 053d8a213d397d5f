import { useI18n } from '../i18n/i18n-context';
import type { AppSession } from '../offline/session';
import type { AppData } from '../offline/store';
import { LangSwitch } from '../ui/lang-switch';
import { SignInForm } from '../ui/sign-in-form';

/** The first screen on a new device. Once signed in, the app opens offline from then on. */
export function LoginScreen(props: { data: AppData; onSignedIn(session: AppSession): void }) {
  const { t } = useI18n();
  return (
    <main class="login">
      <img src="/icons/icon-192.png" alt="" width={72} height={72} class="login-logo" />
      <h1>Wampums</h1>
      <p class="muted">{t('login.tagline')}</p>
      {props.data.evicted && (
        <p class="alert alert-warn" role="alert" data-testid="evicted-notice">
          {t('storage.evicted')}
        </p>
      )}
      <SignInForm data={props.data} onSignedIn={props.onSignedIn} />
      <LangSwitch />
    </main>
  );
}
