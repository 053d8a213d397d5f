import { instantInZone } from './time-zone';

/**
 * The medication rules shared by the server and the app (docs/domain.md, "Medication at
 * camp"): what a slot is, when two doses are the same slot, the tolerance around a slot, and
 * the readable history the server keeps on a distribution.
 */

/** A dose given further than this from its slot is flagged early or late; a slot left open past it is overdue. */
export const DOSE_TOLERANCE_MINUTES = 30;
const TOLERANCE_MS = DOSE_TOLERANCE_MINUTES * 60_000;

/** Statuses that record what happened: such a dose is never rewritten without a trace. */
export const RECORDED_DOSE_STATUSES: readonly string[] = ['given', 'missed'];

/** The fields that say what happened to a dose; a correction keeps their former values. */
export const DOSE_RECORD_FIELDS = [
  'status',
  'administered_at',
  'administered_by',
  'witness_name',
  'dose_amount',
  'dose_unit',
  'dose_notes',
] as const;

/** The fields that say which dose it is; fixed once the dose is recorded. */
export const DOSE_IDENTITY_FIELDS = ['medication_requirement_id', 'participant_id', 'scheduled_for'] as const;

/** The server-kept history column of a distribution (never written by clients). */
export const DOSE_HISTORY_FIELD = 'dose_history';

type Rec = Record<string, unknown>;

/** True for a given or missed dose. */
export function isRecordedDose(row: Rec | null | undefined): boolean {
  return row != null && RECORDED_DOSE_STATUSES.includes(String(row.status));
}

/** True when two distributions are for the same slot: the same requirement at the same instant. */
export function sameSlot(a: Rec, b: Rec): boolean {
  return (
    String(a.medication_requirement_id) === String(b.medication_requirement_id) &&
    Date.parse(String(a.scheduled_for)) === Date.parse(String(b.scheduled_for))
  );
}

/** A requirement without set times is given as needed: recorded whenever a leader gives it. */
export function isAsNeeded(requirement: Rec): boolean {
  return !Array.isArray(requirement.frequency_times) || requirement.frequency_times.length === 0;
}

/** True when `day` (`YYYY-MM-DD`) lies within the requirement's start and end dates. */
export function requirementInForce(requirement: Rec, day: string): boolean {
  const { start_date: start, end_date: end } = requirement;
  if (typeof start === 'string' && start !== '' && day < start) return false;
  if (typeof end === 'string' && end !== '' && day > end) return false;
  return true;
}

/** One time a requirement is due on a day. */
export interface DoseSlot {
  /** `HH:MM`, wall-clock time in the organization's zone. */
  time: string;
  /** ISO instant of the slot: the `scheduled_for` of its distribution. */
  scheduledFor: string;
}

/** The slots of a requirement on `day`, in the organization's `zone`, earliest first. */
export function slotsOfDay(requirement: Rec, day: string, zone: string): DoseSlot[] {
  if (!requirementInForce(requirement, day) || isAsNeeded(requirement)) return [];
  const times = [...new Set((requirement.frequency_times as string[]).map((t) => t.slice(0, 5)))];
  return times
    .map((time) => ({ time, scheduledFor: instantInZone(day, time, zone) }))
    .sort((a, b) => Date.parse(a.scheduledFor) - Date.parse(b.scheduledFor));
}

/**
 * Where a slot stands: `early`/`late` for a dose given outside the tolerance, `on-time` within
 * it, `overdue` for an open slot past the tolerance, `due` within it, `upcoming` before it.
 * `recorded` for a missed or cancelled slot.
 */
export type DoseTiming = 'early' | 'late' | 'on-time' | 'overdue' | 'due' | 'upcoming' | 'recorded';

export function doseTiming(scheduledFor: string, distribution: Rec | undefined, now: number): DoseTiming {
  const slot = Date.parse(scheduledFor);
  const status = distribution ? String(distribution.status) : 'scheduled';
  if (status === 'given') {
    const at = Date.parse(String(distribution?.administered_at ?? ''));
    if (Number.isNaN(at)) return 'on-time';
    if (at < slot - TOLERANCE_MS) return 'early';
    if (at > slot + TOLERANCE_MS) return 'late';
    return 'on-time';
  }
  if (status !== 'scheduled') return 'recorded';
  if (now > slot + TOLERANCE_MS) return 'overdue';
  if (now >= slot - TOLERANCE_MS) return 'due';
  return 'upcoming';
}

/** A dose as someone recorded it: who, when, with whom. */
export interface DoseRecord {
  status: string;
  administered_at: string | null;
  administered_by: number | null;
  witness_name: string | null;
  dose_amount: number | null;
  dose_unit: string | null;
  dose_notes: string | null;
}

/**
 * An entry of a distribution's `dose_history`, kept by the server:
 * - `correction`: the version a later write replaced (`replaced_by` at `replaced_at`, server time);
 * - `double_dose`: a second given dose recorded for the same slot by another write while this
 *   one was already given (`first` was on the server, `second` arrived at `reported_at`).
 */
export type DoseHistoryEntry =
  | ({ kind: 'correction'; replaced_at: string; replaced_by: number | null } & DoseRecord)
  | { kind: 'double_dose'; key: string; reported_at: string; first: DoseRecord; second: DoseRecord };

/** The record fields of a row or payload, with `null` for what it lacks. */
export function doseRecordOf(row: Rec): DoseRecord {
  const v = (k: string) => (row[k] === undefined ? null : row[k]);
  return {
    status: String(row.status ?? 'scheduled'),
    administered_at: v('administered_at') as string | null,
    administered_by: v('administered_by') as number | null,
    witness_name: v('witness_name') as string | null,
    dose_amount: v('dose_amount') as number | null,
    dose_unit: v('dose_unit') as string | null,
    dose_notes: v('dose_notes') as string | null,
  };
}

/** The history the server keeps on a distribution row (empty when it has none). */
export function doseHistoryOf(row: Rec | null | undefined): DoseHistoryEntry[] {
  const h = row?.[DOSE_HISTORY_FIELD];
  return Array.isArray(h) ? (h as DoseHistoryEntry[]) : [];
}

/** The possible double doses reported on a distribution row. */
export function doubleDosesOf(
  row: Rec | null | undefined,
): Extract<DoseHistoryEntry, { kind: 'double_dose' }>[] {
  return doseHistoryOf(row).filter(
    (e): e is Extract<DoseHistoryEntry, { kind: 'double_dose' }> => e.kind === 'double_dose',
  );
}
