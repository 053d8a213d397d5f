import type { Lang } from './translate';

/**
 * Countable dose units leaders type, singular → plural. Measures (`mg`, `ml`, `UI`) never take a
 * plural; a unit not listed here is shown as typed, since guessing a plural could misspell it.
 */
const PLURALS: Record<string, string> = {
  bouffée: 'bouffées',
  comprimé: 'comprimés',
  goutte: 'gouttes',
  gélule: 'gélules',
  capsule: 'capsules',
  dose: 'doses',
  cuillère: 'cuillères',
  timbre: 'timbres',
  puff: 'puffs',
  tablet: 'tablets',
  drop: 'drops',
  pill: 'pills',
  spoon: 'spoons',
  patch: 'patches',
};

const rules = new Map<Lang, Intl.PluralRules>();
const numbers = new Map<Lang, Intl.NumberFormat>();
const LOCALES: Record<Lang, string> = { fr: 'fr-CA', en: 'en-CA' };

/**
 * A dose, e.g. `2 bouffées`, `1 bouffée`, `0,3 mg` (French) or `2 puffs`, `0.3 mg` (English): the
 * number in the page's language and a countable unit in the plural form its rules choose
 * (`Intl.PluralRules`: French 1,5 is singular, English 0.5 plural).
 */
export function formatDose(lang: Lang, amount: unknown, unit: unknown): string {
  const value = Number(amount);
  const typed = unit === null || unit === undefined ? '' : String(unit).trim();
  if (!Number.isFinite(value)) return `${String(amount ?? '')} ${typed}`.trim();
  let rule = rules.get(lang);
  let number = numbers.get(lang);
  if (!rule || !number) {
    rule = new Intl.PluralRules(LOCALES[lang]);
    number = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 3 });
    rules.set(lang, rule);
    numbers.set(lang, number);
  }
  const plural = PLURALS[typed.toLowerCase()];
  const shown = plural && rule.select(value) !== 'one' ? plural : typed;
  return `${number.format(value)} ${shown}`.trim();
}
