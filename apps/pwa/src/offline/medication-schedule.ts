import type { StoredRecord } from '@wampums/client';
import {
  DEFAULT_TIME_ZONE,
  type DoseTiming,
  dayInZone,
  doseTiming,
  instantInZone,
  isAsNeeded,
  isTimeZone,
  requirementInForce,
  sameSlot,
  slotsOfDay,
  timeInZone,
} from '@wampums/schema';
import type { AppSession } from './session';

/** The zone of the unit's clock (docs/domain.md): the organization's, or the default one. */
export function unitTimeZone(session: AppSession): string {
  const zone = session.organization?.timeZone;
  return isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}

/** One dose due on the day: a requirement's slot and, once recorded, its distribution. */
export interface ScheduledDose {
  requirement: StoredRecord;
  /** `HH:MM` on the unit's clock. */
  time: string;
  /** ISO instant of the slot: the natural key `scheduled_for` of its distribution. */
  scheduledFor: string;
  distribution: StoredRecord | undefined;
  timing: DoseTiming;
}

/** An as-needed medication, with the last dose given (any day). */
export interface AsNeededMedication {
  requirement: StoredRecord;
  lastGiven: StoredRecord | undefined;
}

/** Everything the care screen shows for a day. */
export interface DayOfDoses {
  /** Every slot of every requirement in force, earliest first. */
  slots: ScheduledDose[];
  /** The day's distributions that match no slot (recorded elsewhere, as-needed doses), by time. */
  others: StoredRecord[];
  asNeeded: AsNeededMedication[];
}

const at = (r: StoredRecord, field: string) => Date.parse(String(r[field] ?? ''));

/**
 * The care schedule of `day` on the unit's clock (`zone`): every slot matched with its
 * distribution (the same slot as the schema decides it; a given one first should a device
 * briefly hold two), every other distribution of that day, and the as-needed medications.
 */
export function dosesOfDay(
  day: string,
  zone: string,
  requirements: readonly StoredRecord[],
  distributions: readonly StoredRecord[],
  now: number,
): DayOfDoses {
  const matched = new Set<StoredRecord>();
  const slots: ScheduledDose[] = [];
  for (const requirement of requirements) {
    for (const slot of slotsOfDay(requirement, day, zone)) {
      const key = { medication_requirement_id: requirement.id, scheduled_for: slot.scheduledFor };
      const candidates = distributions.filter((d) => sameSlot(d, key));
      for (const d of candidates) matched.add(d);
      const distribution = candidates.find((d) => d.status === 'given') ?? candidates[0];
      slots.push({
        requirement,
        ...slot,
        distribution,
        timing: doseTiming(slot.scheduledFor, distribution, now),
      });
    }
  }
  slots.sort((a, b) => Date.parse(a.scheduledFor) - Date.parse(b.scheduledFor));
  const others = distributions
    .filter((d) => !matched.has(d) && dayInZone(String(d.scheduled_for), zone) === day)
    .sort((a, b) => at(a, 'scheduled_for') - at(b, 'scheduled_for'));
  const asNeeded = requirements
    .filter((r) => isAsNeeded(r) && requirementInForce(r, day))
    .map((requirement) => ({
      requirement,
      lastGiven: distributions
        .filter((d) => String(d.medication_requirement_id) === String(requirement.id) && d.status === 'given')
        .sort((a, b) => at(b, 'administered_at') - at(a, 'administered_at'))[0],
    }));
  return { slots, others, asNeeded };
}

/**
 * The instant a leader means by `time` (`HH:MM` on the unit's clock) typed at `now`: today on
 * that clock, or yesterday when today's would still be to come (a dose is recorded after it
 * was given).
 */
export function typedDoseInstant(time: string, zone: string, now: number): string {
  const today = dayInZone(now, zone);
  const instant = instantInZone(today, time, zone);
  if (Date.parse(instant) <= now + 60_000) return instant;
  const yesterday = dayInZone(Date.parse(instant) - 86_400_000, zone);
  return instantInZone(yesterday, time, zone);
}

/** `HH:MM` on the unit's clock. */
export function unitTime(instant: unknown, zone: string): string {
  return typeof instant === 'string' && instant !== '' ? timeInZone(instant, zone) : '';
}
