import type { Lang } from './translate';

/** The locale of dates and times on a page: the page's language, never the device's. */
const LOCALES: Record<Lang, string> = { fr: 'fr-CA', en: 'en-CA' };

/** A time of day, e.g. `14 h 09` (French) or `2:09 p.m.` (English). */
export function formatTime(lang: Lang, at: number | string | Date): string {
  // No-break spaces: a narrow status bar may wrap before the time, never inside it.
  return new Date(at).toLocaleTimeString(LOCALES[lang], { timeStyle: 'short' }).replace(/\s/g, '\u00a0');
}

/** A date and time, e.g. `2026-11-25 14 h 09`. */
export function formatDateTime(lang: Lang, at: number | string | Date): string {
  return new Date(at).toLocaleString(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short' });
}

/** A storage size in the page's language, e.g. `1,2 Mo` or `1.2 MB`. */
export function formatSize(lang: Lang, value: number, unit: 'kilobyte' | 'megabyte' | 'gigabyte'): string {
  return new Intl.NumberFormat(LOCALES[lang], {
    style: 'unit',
    unit,
    maximumFractionDigits: 1,
  }).format(value);
}
