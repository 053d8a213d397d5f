import { type ComponentChildren, createContext } from 'preact';
import { useContext, useEffect, useMemo } from 'preact/hooks';
import type { MessageKey } from './fr';
import { type Lang, type Params, type Translate, translate } from './translate';

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang(lang: Lang): void;
}

const I18nContext = createContext<I18n | null>(null);

/** Gives every screen one language: all strings of a page come from the same dictionary. */
export function I18nProvider(props: { lang: Lang; setLang(lang: Lang): void; children: ComponentChildren }) {
  const { lang, setLang } = props;
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (key: MessageKey, params?: Params) => translate(lang, key, params) }),
    [lang, setLang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
