/**
 * The server's time as this phone best knows it: the device clock corrected by the offset the
 * sync measured on its last answer (docs/architecture.md, section 5). Default dates and times
 * the app records (today's roll call, a dose given now) come from it, so a phone set a day
 * wrong still records the right day. Kept up to date by the clock warning (ui/clock-warning.tsx).
 */
let offsetMs = 0;

export function setClockOffset(offset: number): void {
  offsetMs = offset;
}

/** Unix ms, corrected. */
export function correctedNow(): number {
  return Date.now() + offsetMs;
}

/** `new Date()`, corrected. */
export function correctedDate(): Date {
  return new Date(correctedNow());
}
