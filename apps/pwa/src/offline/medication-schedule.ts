import type { StoredRecord } from '@wampums/client';
import { localInstant, withinDates } from './dates';

/** One dose due today: a requirement's time slot and, once recorded, its distribution. */
export interface ScheduledDose {
  requirement: StoredRecord;
  /** `HH:MM` local time. */
  time: string;
  /** ISO instant of the slot: the natural key `scheduled_for` of its distribution. */
  scheduledFor: string;
  distribution: StoredRecord | undefined;
}

/**
 * The doses of `day`: every time of every requirement in force that day, earliest first, each
 * matched with the distribution already recorded for it (by requirement and instant, compared
 * as instants since the server may format them differently).
 */
export function dosesOfDay(
  day: string,
  requirements: readonly StoredRecord[],
  distributions: readonly StoredRecord[],
): ScheduledDose[] {
  const doses: ScheduledDose[] = [];
  for (const requirement of requirements) {
    if (!withinDates(day, requirement.start_date, requirement.end_date)) continue;
    const times = Array.isArray(requirement.frequency_times) ? (requirement.frequency_times as string[]) : [];
    for (const time of times) {
      const scheduledFor = localInstant(day, time);
      const at = Date.parse(scheduledFor);
      const distribution = distributions.find(
        (d) =>
          String(d.medication_requirement_id) === String(requirement.id) &&
          Date.parse(String(d.scheduled_for)) === at,
      );
      doses.push({ requirement, time: time.slice(0, 5), scheduledFor, distribution });
    }
  }
  return doses.sort((a, b) => a.scheduledFor.localeCompare(b.scheduledFor));
}
