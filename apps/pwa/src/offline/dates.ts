import { correctedDate } from './corrected-clock';

/**
 * The local calendar date `YYYY-MM-DD` of `date` (attendance and honors are per local day); by
 * default of now on the corrected clock, so a phone set a day wrong records the right day.
 */
export function localDate(date: Date = correctedDate()): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The local time `HH:MM` of `date`. */
export function localTime(date: Date = correctedDate()): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
