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

/**
 * A calendar day `YYYY-MM-DD` (a record's date, no time zone of its own) in the page's language,
 * e.g. `14 juill. 2026` or `Jul 14, 2026`. Formatted at UTC so the day never moves with the
 * device's zone; a value that is not such a day is shown as it is.
 */
export function formatDay(lang: Lang, day: unknown): string {
  const match = typeof day === 'string' ? /^(\d{4})-(\d{2})-(\d{2})/.exec(day) : null;
  if (!match) return day === null || day === undefined ? '' : String(day);
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone: 'UTC' }).format(at);
}

/** A storage size in the page's language, e.g. `1,2 Mo` or `1.2 MB`. */
export function formatSize(lang: Lang, value: number, unit: 'kilobyte' | 'megabyte' | 'gigabyte'): string {
  return new Intl.NumberFormat(LOCALES[lang], {
    style: 'unit',
    unit,
    maximumFractionDigits: 1,
  }).format(value);
}
