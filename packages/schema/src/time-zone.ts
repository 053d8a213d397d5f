/**
 * Wall-clock dates and times in an organization's time zone (an IANA name such as
 * `America/Toronto`), the same on every phone whatever the phone's own zone (docs/domain.md,
 * "Medication at camp"). Pure: built on `Intl`, which browsers and Node both carry.
 */

/** The zone of an organization that never set one (the units are in Quebec). */
export const DEFAULT_TIME_ZONE = 'America/Toronto';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone name this runtime knows. */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone === '') return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(ms: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

function toMs(instant: Date | string | number): number {
  return instant instanceof Date
    ? instant.getTime()
    : typeof instant === 'number'
      ? instant
      : Date.parse(instant);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The calendar date `YYYY-MM-DD` of `instant` in `zone`. */
export function dayInZone(instant: Date | string | number, zone: string): string {
  const w = wallClock(toMs(instant), zone);
  return `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)}`;
}

/** The wall-clock time `HH:MM` of `instant` in `zone`. */
export function timeInZone(instant: Date | string | number, zone: string): string {
  const w = wallClock(toMs(instant), zone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** How far `zone`'s wall clock is ahead of UTC at `ms` (ms). */
function offsetAt(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant (ISO, UTC, with milliseconds) of the wall-clock `day` and `time` (`HH:MM`) in
 * `zone`. A time skipped by a spring-forward change lands one hour later, as a clock would show.
 */
export function instantInZone(day: string, time: string, zone: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  const first = guess - offsetAt(guess, zone);
  const second = guess - offsetAt(first, zone);
  const shows = (ms: number) => {
    const w = wallClock(ms, zone);
    return w.hour === (hh ?? 0) && w.minute === (mm ?? 0);
  };
  // Around a change of offset the two candidates differ: a time shown twice (fall back) is
  // its first occurrence; a time never shown (spring forward) is the later candidate.
  const matching = [first, second].filter(shows);
  const at = matching.length > 0 ? Math.min(...matching) : Math.max(first, second);
  return new Date(at).toISOString();
}

/** True when the phone's own zone gives other wall-clock times than `zone` at `now`. */
export function phoneZoneDiffers(zone: string, now: Date = new Date()): boolean {
  return -now.getTimezoneOffset() * 60_000 !== offsetAt(now.getTime(), zone);
}
