import { en } from './en';
import { fr, type MessageKey } from './fr';

/** The two languages of the app. */
export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

/** Every string of the app, one dictionary per language with the same keys (a test checks it). */
export const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { fr, en };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** The message `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = DICTIONARIES[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The language to show: the user's own choice if they made one, else the organization's locale
 * (the signed-in one, or on the sign-in screen the one whose unit this phone holds), else the
 * browser's language when it is one of ours (a fresh phone, before any organization is known),
 * else French, the default of Quebec organizations.
 */
export function pickLanguage(
  chosen: string | null,
  organizationLocale: string | null | undefined,
  browserLocale?: string | null,
): Lang {
  if (chosen === 'fr' || chosen === 'en') return chosen;
  if (organizationLocale) return organizationLocale.toLowerCase().startsWith('en') ? 'en' : 'fr';
  if (browserLocale?.toLowerCase().startsWith('en')) return 'en';
  return 'fr';
}

/** Placeholder names of a message, sorted: both translations of a key must use the same. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}
