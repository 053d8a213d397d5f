import {
  DOSE_IDENTITY_FIELDS,
  DOSE_RECORD_FIELDS,
  type DoseHistoryEntry,
  doseRecordOf,
  doubleDosesOf,
  isRecordedDose,
  WampumsError,
} from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

/**
 * The server's medication rules (docs/domain.md, "Medication at camp"): the recorder of a dose
 * is the signed-in user (`administered_by` is a `writer` field: rules/authorship.ts), a dose belongs to its requirement's participant, a given or missed
 * dose keeps every former version in `dose_history`, and a second given dose for the same slot
 * is reported on the row for a person.
 */

/** Refuses a dose whose participant is not its requirement's participant. */
export async function assertDoseParticipant(
  tx: Queryable,
  organizationId: number,
  values: Row,
): Promise<void> {
  const [requirement] = await tx.query<{ participant_id: number }>(
    'SELECT participant_id FROM medication_requirements WHERE organization_id = $1 AND id = $2',
    [organizationId, values.medication_requirement_id],
  );
  // A missing requirement is answered by the reference check (or the foreign key).
  if (requirement && requirement.participant_id !== values.participant_id) {
    throw new WampumsError(
      'validation_failed',
      "participant_id must be the medication requirement's participant",
      { field: 'participant_id' },
    );
  }
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (field === 'administered_at' || field === 'scheduled_for')
    return Date.parse(String(a)) === Date.parse(String(b));
  return String(a) === String(b);
}

/** Refuses moving a given or missed dose to another requirement, child or slot. */
export function assertDoseIdentityKept(current: Row, patch: Row): void {
  if (!isRecordedDose(current)) return;
  for (const field of DOSE_IDENTITY_FIELDS) {
    if (patch[field] !== undefined && !sameValue(field, patch[field], current[field])) {
      throw new WampumsError('validation_failed', `${field} of a given or missed dose cannot change`, {
        field,
      });
    }
  }
}

/**
 * The history entry a write of `patch` over `current` leaves: the replaced version, when
 * `current` is given or missed and the write changes what it says; otherwise `null`.
 */
export function correctionOf(actor: Actor, current: Row, patch: Row): DoseHistoryEntry | null {
  if (!isRecordedDose(current)) return null;
  const changes = DOSE_RECORD_FIELDS.some(
    (f) => patch[f] !== undefined && !sameValue(f, patch[f], current[f]),
  );
  if (!changes) return null;
  return {
    kind: 'correction',
    ...doseRecordOf(current),
    replaced_at: new Date().toISOString(),
    replaced_by: actor.userId,
  };
}

/** Appends `entry` to the row's history; the row as it is after. */
export async function appendDoseHistory(
  tx: Queryable,
  organizationId: number,
  id: number,
  entry: DoseHistoryEntry,
): Promise<Row | null> {
  const rows = await tx.query<Row>(
    `UPDATE medication_distributions SET dose_history = dose_history || jsonb_build_array($3::jsonb)
     WHERE organization_id = $1 AND id = $2 RETURNING *`,
    [organizationId, id, JSON.stringify(entry)],
  );
  return rows[0] ?? null;
}

/** True when a create for a slot already given also says given: a possible double dose. */
export function isDoubleDose(existing: Row | null, values: Row): existing is Row {
  return existing !== null && existing.status === 'given' && values.status === 'given';
}

/**
 * Reports a second given dose for the slot of `existing` on its row (once per `key`, the
 * change's correlationId, so a retried push does not report it twice). The row as it is after.
 */
export async function reportDoubleDose(
  tx: Queryable,
  organizationId: number,
  existing: Row,
  values: Row,
  key: string,
): Promise<Row | null> {
  const [locked] = await tx.query<Row>(
    'SELECT * FROM medication_distributions WHERE organization_id = $1 AND id = $2 FOR UPDATE',
    [organizationId, existing.id],
  );
  if (!locked) return null;
  if (doubleDosesOf(locked).some((e) => e.key === key)) return locked;
  return appendDoseHistory(tx, organizationId, existing.id as number, {
    kind: 'double_dose',
    key,
    reported_at: new Date().toISOString(),
    first: doseRecordOf(locked),
    second: doseRecordOf(values),
  });
}

/**
 * Refuses giving a requirement to another child once doses are recorded under it: they were
 * given to its participant (the composite foreign key of migration 004 refuses it too, without
 * naming the field).
 */
export async function assertRequirementKeepsChild(
  tx: Queryable,
  organizationId: number,
  current: Row,
  patch: Row,
): Promise<void> {
  if (patch.participant_id === undefined || patch.participant_id === current.participant_id) return;
  const doses = await tx.query(
    'SELECT 1 FROM medication_distributions WHERE organization_id = $1 AND medication_requirement_id = $2 LIMIT 1',
    [organizationId, current.id],
  );
  if (doses.length > 0) {
    throw new WampumsError('validation_failed', 'This medication has doses recorded for its participant', {
      field: 'participant_id',
    });
  }
}
