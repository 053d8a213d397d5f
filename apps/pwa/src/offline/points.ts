import type { StoredRecord } from '@wampums/client';

/** Points of a participant or group: confirmed by the server, and awaiting it. */
export interface PointTotal {
  confirmed: number;
  /** Points of honors the server has not confirmed yet (estimated, see `honorValue`). */
  pending: number;
}

/** The value the server gives an honor when it has no other example (the protocol's default). */
export const DEFAULT_HONOR_POINTS = 5;

/**
 * The value of one honor in this organization, as the server derived it last time (points rows
 * tied to an honor), else the default. Only used to show pending points before the server confirms.
 */
export function honorValue(points: readonly StoredRecord[]): number {
  let latest: StoredRecord | undefined;
  for (const p of points) {
    if (p.honor_id === null || p.honor_id === undefined) continue;
    if (!latest || String(p.updated_at) > String(latest.updated_at)) latest = p;
  }
  return typeof latest?.value === 'number' ? latest.value : DEFAULT_HONOR_POINTS;
}

/** Honors with no points row yet: the server has not confirmed them. */
export function pendingHonors(
  honors: readonly StoredRecord[],
  points: readonly StoredRecord[],
): StoredRecord[] {
  const confirmed = new Set(points.map((p) => String(p.honor_id)));
  return honors.filter((h) => !confirmed.has(String(h.id)));
}

export interface Totals {
  byParticipant: Map<string, PointTotal>;
  byGroup: Map<string, PointTotal>;
}

/**
 * Totals per participant and per group. A group's total is the sum of its members' points plus
 * its own group rows (points with no participant), as the domain defines it.
 */
export function pointTotals(
  participants: readonly StoredRecord[],
  points: readonly StoredRecord[],
  honors: readonly StoredRecord[],
): Totals {
  const byParticipant = new Map<string, PointTotal>();
  const byGroup = new Map<string, PointTotal>();
  const add = (map: Map<string, PointTotal>, key: string, field: keyof PointTotal, value: number) => {
    const total = map.get(key) ?? { confirmed: 0, pending: 0 };
    total[field] += value;
    map.set(key, total);
  };
  const groupOf = new Map(participants.map((p) => [String(p.id), p.group_id]));
  for (const p of points) {
    const value = typeof p.value === 'number' ? p.value : 0;
    if (p.participant_id === null || p.participant_id === undefined) {
      if (p.group_id !== null && p.group_id !== undefined)
        add(byGroup, String(p.group_id), 'confirmed', value);
      continue;
    }
    add(byParticipant, String(p.participant_id), 'confirmed', value);
    const group = groupOf.get(String(p.participant_id));
    if (group !== null && group !== undefined) add(byGroup, String(group), 'confirmed', value);
  }
  const each = honorValue(points);
  for (const h of pendingHonors(honors, points)) {
    add(byParticipant, String(h.participant_id), 'pending', each);
    const group = groupOf.get(String(h.participant_id));
    if (group !== null && group !== undefined) add(byGroup, String(group), 'pending', each);
  }
  return { byParticipant, byGroup };
}
