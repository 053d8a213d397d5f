/**
 * Wire formats of column values, shared by both backends: dates stay `YYYY-MM-DD` strings (a JS
 * `Date` would shift with time zones), instants become ISO-8601 UTC strings with milliseconds,
 * and 64-bit integers become numbers (log sequence numbers stay far below 2^53).
 */
export const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/** `2026-11-25 13:20:01.123+00` (PostgreSQL text output) → `2026-11-25T13:20:01.123Z`. */
export function timestampToIso(text: string): string {
  const normalised = text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

/** Parsers keyed by type OID; other types keep each driver's default. */
export const TYPE_PARSERS: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => Number(text),
  [OID.date]: (text) => text,
  [OID.timestamptz]: timestampToIso,
  [OID.timestamp]: (text) => timestampToIso(`${text}+00`),
};
