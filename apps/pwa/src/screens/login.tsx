import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useSyncStatus } from '../offline/app-context';
import { type KnownPerson, readKnownPeople } from '../offline/known-people';
import type { AppSession } from '../offline/session';
import type { AppData } from '../offline/store';
import { LangSwitch } from '../ui/lang-switch';
import { RemoveUnit } from '../ui/remove-unit';
import { SignInForm } from '../ui/sign-in-form';
import { WaitingForOthers } from '../ui/waiting-changes';

/**
 * The first screen on a new device; on a phone that holds a unit, the lock screen: whoever signs
 * in (the same leader, or another of the unit, also without network if they signed in here
 * before) finds the unit's data and every waiting change.
 */
export function LoginScreen(props: {
  data: AppData;
  onSignedIn(session: AppSession): void;
  onRemoveUnit(): Promise<void>;
}) {
  const { t } = useI18n();
  const unit = props.data.unit;
  return (
    <main class="login">
      <img src="/icons/icon-192.png" alt="" width={72} height={72} class="login-logo" />
      <h1>Wampums</h1>
      {props.data.evicted && (
        <p class="alert alert-warn" role="alert" data-testid="evicted-notice">
          {t('storage.evicted')}
        </p>
      )}
      {unit ? (
        <LockedUnit data={props.data} onSignedIn={props.onSignedIn} onRemoveUnit={props.onRemoveUnit} />
      ) : (
        <>
          <p class="muted">{t('login.tagline')}</p>
          <SignInForm data={props.data} onSignedIn={props.onSignedIn} />
        </>
      )}
      <LangSwitch />
    </main>
  );
}

function LockedUnit(props: {
  data: AppData;
  onSignedIn(session: AppSession): void;
  onRemoveUnit(): Promise<void>;
}) {
  const { t } = useI18n();
  const { store } = props.data;
  const status = useSyncStatus(store);
  const [people, setPeople] = useState<KnownPerson[]>([]);
  const [email, setEmail] = useState<string | undefined>(undefined);
  useEffect(() => {
    void readKnownPeople(store.db).then(setPeople, () => undefined);
  }, [store]);
  const unitName = props.data.unit?.organization?.name ?? t('lock.unitUnknown');
  return (
    <>
      <h2 class="lock-head" data-testid="locked">
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="currentColor">
          <path d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5Zm-3 8V7a3 3 0 0 1 6 0v3H9Z" />
        </svg>
        {t('lock.title')}
      </h2>
      <p class="muted">{t('lock.hint', { unit: unitName })}</p>
      <WaitingForOthers waiting={status.waitingForOthers} class="alert alert-info" />
      {people.length > 0 && (
        <>
          <h2>{t('lock.people')}</h2>
          <div class="people" data-testid="known-people">
            {people.map((p) => (
              <button
                key={p.user.id}
                type="button"
                class={email === p.user.email ? 'primary small' : 'secondary small'}
                aria-pressed={email === p.user.email}
                onClick={() => setEmail(p.user.email)}
              >
                {p.user.name}
              </button>
            ))}
          </div>
          <p class="muted">{t('lock.peopleHint')}</p>
        </>
      )}
      <SignInForm key={email ?? ''} data={props.data} email={email} onSignedIn={props.onSignedIn} />
      <RemoveUnit store={store} unitName={unitName} onRemove={props.onRemoveUnit} />
    </>
  );
}
