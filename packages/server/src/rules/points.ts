import type { Queryable } from '../db/database';
import { insertRow, type Row } from '../entities/rows';

/** Points per honor when the organization sets nothing (domain rule). */
export const DEFAULT_POINTS_PER_HONOR = 5;

/** The organization's points per honor (`settings.pointsPerHonor`). */
export async function pointsPerHonor(tx: Queryable, organizationId: number): Promise<number> {
  const [row] = await tx.query<{ value: string | null }>(
    `SELECT settings->>'pointsPerHonor' AS value FROM organizations WHERE id = $1`,
    [organizationId],
  );
  const value = Number(row?.value);
  return row?.value != null && Number.isInteger(value) ? value : DEFAULT_POINTS_PER_HONOR;
}

/**
 * Adds the points of a new honor, in the honor's own transaction. Deleting the honor removes
 * them through the `honor_id` cascade (which the change log records like any delete). The row
 * names the participant only: a group's total adds its members' points to its own rows.
 */
export async function awardHonorPoints(tx: Queryable, organizationId: number, honor: Row): Promise<void> {
  await insertRow(tx, 'points', organizationId, {
    participant_id: honor.participant_id,
    group_id: null,
    honor_id: honor.id,
    value: await pointsPerHonor(tx, organizationId),
  });
}

/** Keeps an honor's points with its participant when the honor is moved to another one. */
export async function followHonorParticipant(
  tx: Queryable,
  organizationId: number,
  honor: Row,
): Promise<void> {
  await tx.query(
    `UPDATE points SET participant_id = $3 WHERE organization_id = $1 AND honor_id = $2 AND participant_id IS DISTINCT FROM $3`,
    [organizationId, honor.id, honor.participant_id],
  );
}
