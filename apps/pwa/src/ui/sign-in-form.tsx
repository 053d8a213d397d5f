import { useState } from 'preact/hooks';
import { formatTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import type { SignInError } from '../offline/auth-api';
import type { AppSession } from '../offline/session';
import type { AppData } from '../offline/store';

/** Email and password; tells a wrong password apart from a missing network. */
export function SignInForm(props: { data: AppData; email?: string; onSignedIn(session: AppSession): void }) {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState(props.email ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<SignInError['reason'] | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      props.onSignedIn(await props.data.signIn(email.trim(), password));
    } catch (error) {
      const reason =
        (error as Partial<SignInError>).name === 'SignInError'
          ? (error as SignInError).reason
          : 'server_error';
      setRetryAt(reason === 'throttled' ? (error as SignInError).retryAt : null);
      setFailure(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form" onSubmit={submit}>
      <label>
        {t('login.email')}
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <label>
        {t('login.password')}
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      {failure && (
        <p class="alert alert-error" role="alert">
          {failure === 'offline' && props.data.unit
            ? t('login.error.offlineUnknown')
            : failure === 'throttled'
              ? t('login.error.throttled', { time: formatTime(lang, retryAt ?? Date.now()) })
              : t(`login.error.${failure}`)}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('login.signingIn') : t('login.submit')}
      </button>
    </form>
  );
}
