import { canChangeRecords } from '@wampums/schema';
import { useCallback, useMemo, useState } from 'preact/hooks';
import { I18nProvider } from './i18n/i18n-context';
import { type Lang, pickLanguage } from './i18n/translate';
import { AppContext, type AppContextValue } from './offline/app-context';
import type { AppSession } from './offline/session';
import type { AppData } from './offline/store';
import { LoginScreen } from './screens/login';
import { Shell } from './shell';
import { UpdateBanner } from './ui/update-banner';

const LANG_KEY = 'wampums.lang';

function storedLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

/** The app: the sign-in screen, or the signed-in shell around the offline store. */
export function App(props: { initial: AppData }) {
  const [data, setData] = useState(props.initial);
  const [session, setSession] = useState<AppSession | null>(props.initial.session);
  const [chosen, setChosen] = useState(storedLang);
  // Signed out, the sign-in screen speaks the language of the unit this phone holds (the last
  // organization used here), else the browser's.
  const lang = pickLanguage(
    chosen,
    session?.organization?.locale ?? data.unit?.organization?.locale,
    typeof navigator === 'undefined' ? null : navigator.language,
  );
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    setChosen(next);
  }, []);

  /** Locks the app: the unit's data and waiting changes stay for the next person to sign in. */
  const signOut = useCallback(async () => {
    setSession(null);
    location.hash = '';
    await data.signOut();
  }, [data]);

  /** Removes the unit and everything of it from the phone (the screens confirm first). */
  const removeUnit = useCallback(async () => {
    setSession(null);
    localStorage.removeItem(LANG_KEY);
    setChosen(null);
    setData(await data.removeUnit());
    location.hash = '';
  }, [data]);

  const value = useMemo<AppContextValue | null>(
    () =>
      session ? { data, store: data.store, session, readOnly: !canChangeRecords(session.user.role) } : null,
    [data, session],
  );

  return (
    <I18nProvider lang={lang} setLang={setLang}>
      <UpdateBanner />
      {value ? (
        <AppContext.Provider value={value}>
          <Shell onSignOut={signOut} onRemoveUnit={removeUnit} onSession={setSession} />
        </AppContext.Provider>
      ) : (
        <LoginScreen data={data} onSignedIn={setSession} onRemoveUnit={removeUnit} />
      )}
    </I18nProvider>
  );
}
