import type { StoredRecord } from '@wampums/client';
import type { TripDirection } from '@wampums/schema';

/** The one-way legs a trip direction covers. */
function legsOf(direction: unknown): ('to_activity' | 'from_activity')[] {
  if (direction === 'to_activity') return ['to_activity'];
  if (direction === 'from_activity') return ['from_activity'];
  return ['to_activity', 'from_activity'];
}

/** Riders per leg of an offer. */
export function seatsUsed(
  assignments: readonly StoredRecord[],
): Record<'to_activity' | 'from_activity', number> {
  const used = { to_activity: 0, from_activity: 0 };
  for (const a of assignments) for (const leg of legsOf(a.trip_direction)) used[leg] += 1;
  return used;
}

/**
 * Whether one more rider going `direction` fits in the offer: never more riders than seats on
 * any leg (the server refuses an overbooking with `no_seats`; the app does not offer it).
 */
export function canAssign(
  offer: StoredRecord,
  assignments: readonly StoredRecord[],
  direction: TripDirection,
): boolean {
  const seats = typeof offer.total_seats_available === 'number' ? offer.total_seats_available : 0;
  const offered = legsOf(offer.trip_direction);
  const used = seatsUsed(assignments);
  return legsOf(direction).every((leg) => offered.includes(leg) && used[leg] < seats);
}
