import type { Queryable } from '../db/database';
import { insertRow, insertRows, type Row } from '../entities/rows';

/** Points per honor when the organization sets nothing (domain rule). */
export const DEFAULT_POINTS_PER_HONOR = 5;

/** Points per honor read in a transaction, per organization: read once per transaction. */
const readIn = new WeakMap<Queryable, Map<number, number>>();

/** The organization's points per honor (`settings.pointsPerHonor`), read once per transaction. */
export async function pointsPerHonor(tx: Queryable, organizationId: number): Promise<number> {
  const known = readIn.get(tx)?.get(organizationId);
  if (known !== undefined) return known;
  const value = await readPointsPerHonor(tx, organizationId);
  const map = readIn.get(tx) ?? new Map<number, number>();
  map.set(organizationId, value);
  readIn.set(tx, map);
  return value;
}

async function readPointsPerHonor(tx: Queryable, organizationId: number): Promise<number> {
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

/** {@link awardHonorPoints} for several new honors, in one statement. */
export async function awardHonorsPoints(
  tx: Queryable,
  organizationId: number,
  honors: readonly Row[],
): Promise<void> {
  if (honors.length === 0) return;
  const value = await pointsPerHonor(tx, organizationId);
  await insertRows(
    tx,
    'points',
    organizationId,
    honors.map((honor) => ({
      participant_id: honor.participant_id,
      group_id: null,
      honor_id: honor.id,
      value,
    })),
  );
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
