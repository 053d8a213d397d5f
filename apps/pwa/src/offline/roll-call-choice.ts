import { localDate } from './dates';

/** The roll call's date and group, kept while the tab lives (`sessionStorage`). */
export interface RollCallChoice {
  date: string;
  /** A group id (a temp id for a group created offline), `''` for "no group", `null`: not chosen. */
  group: number | string | null;
}

const KEY = 'wampums.rollCall';

/**
 * The choice made earlier in this tab, so that visiting another screen and coming back keeps the
 * group and date; a new day's first visit starts on today. `sessionStorage` ends with the tab:
 * the next roll call on another day starts fresh.
 */
export function readRollCallChoice(): RollCallChoice {
  const today = localDate();
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as
      | (RollCallChoice & { on?: string })
      | null;
    if (kept && kept.on === today && typeof kept.date === 'string')
      return { date: kept.date, group: kept.group };
  } catch {
    // Storage unavailable or unreadable: start fresh.
  }
  return { date: today, group: null };
}

export function keepRollCallChoice(choice: RollCallChoice): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...choice, on: localDate() }));
  } catch {
    // Storage unavailable: the choice lasts as long as the screen.
  }
}
