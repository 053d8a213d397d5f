import type { MessageKey } from './fr';
import type { Lang } from './translate';

const rules = new Map<Lang, Intl.PluralRules>();

/**
 * The key of the plural form of `base` for `count` in `lang` (`base.one` or `base.other`), by
 * the language's own rules: French says "1 modification" and "0 modification", English "0 changes".
 */
export function pluralKey(lang: Lang, base: string, count: number): MessageKey {
  let rule = rules.get(lang);
  if (!rule) {
    rule = new Intl.PluralRules(lang);
    rules.set(lang, rule);
  }
  // French also has `many` (1 000 000 de…): both dictionaries keep `one` and `other` only.
  return `${base}.${rule.select(count) === 'one' ? 'one' : 'other'}` as MessageKey;
}
