import type { EntityType } from '@wampums/schema';

/**
 * The text field that carries a record's marker (unique per created record, never edited).
 * Attendance has no free text: its marker is its natural key, participant marker + date.
 */
export const MARKER_FIELD: Partial<Record<EntityType, string>> = {
  groups: 'name',
  participants: 'last_name',
  activities: 'name',
  honors: 'reason',
  badge_progress: 'objective',
  medication_requirements: 'medication_name',
  medication_distributions: 'dose_notes',
  carpool_offers: 'vehicle_make',
  carpool_assignments: 'notes',
};

type Row = Record<string, unknown>;

/**
 * The marker of a row, given a way to find the participant it points at (local store or server
 * snapshot). `null` for rows that no simulated user created (reference data).
 */
export function markerOf(
  type: EntityType,
  row: Row,
  participantById: (id: unknown) => Row | undefined,
): string | null {
  if (type === 'attendance') {
    const participant = participantById(row.participant_id);
    const name = participant?.last_name;
    return typeof name === 'string' ? `${name}@${String(row.date)}` : null;
  }
  const field = MARKER_FIELD[type];
  const value = field ? row[field] : undefined;
  return typeof value === 'string' ? value : null;
}
