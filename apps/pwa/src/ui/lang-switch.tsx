import { useI18n } from '../i18n/i18n-context';
import { LANGS } from '../i18n/translate';

/** Switches the whole app between French and English. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <fieldset class="segmented" aria-label={t('settings.language')}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          aria-pressed={lang === l}
          class={lang === l ? 'on' : ''}
          onClick={() => setLang(l)}
        >
          {t(l === 'fr' ? 'lang.fr' : 'lang.en')}
        </button>
      ))}
    </fieldset>
  );
}
