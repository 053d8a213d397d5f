/** The local calendar date `YYYY-MM-DD` of `date` (attendance and honors are per local day). */
export function localDate(date: Date = new Date()): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** The local time `HH:MM` of `date`. */
export function localTime(date: Date = new Date()): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The instant of a local date and time of day, as an ISO string (UTC). */
export function localInstant(date: string, time: string): string {
  return new Date(`${date}T${time.slice(0, 5)}:00`).toISOString();
}

/** True when the local date `day` lies within [start, end] (missing bounds are open). */
export function withinDates(day: string, start: unknown, end: unknown): boolean {
  if (typeof start === 'string' && start !== '' && day < start) return false;
  if (typeof end === 'string' && end !== '' && day > end) return false;
  return true;
}
