/**
 * Carpool seats, counted the same way by the app (what it offers) and the server (what it
 * accepts): a ride has two one-way legs, and no leg carries more riders than the offer's seats
 * (docs/domain.md: "never more riders than seats per direction").
 */
export const CARPOOL_LEGS = ['to_activity', 'from_activity'] as const;
export type CarpoolLeg = (typeof CARPOOL_LEGS)[number];

/** The legs a trip direction covers (`both`, or anything unknown, covers both). */
export function legsOf(direction: unknown): CarpoolLeg[] {
  if (direction === 'to_activity') return ['to_activity'];
  if (direction === 'from_activity') return ['from_activity'];
  return ['to_activity', 'from_activity'];
}

/**
 * A carpool offer or assignment as stored (rows are untyped on both sides): the rules read an
 * offer's `total_seats_available`, `trip_direction` and `is_active`, a rider's `trip_direction`.
 */
type CarpoolRow = Readonly<Record<string, unknown>>;

export type RidersPerLeg = Record<CarpoolLeg, number>;

/** Riders per leg, from assignments (or from counts per direction, each `count` riders). */
export function ridersPerLeg(assignments: Iterable<CarpoolRow>): RidersPerLeg {
  const riders: RidersPerLeg = { to_activity: 0, from_activity: 0 };
  for (const a of assignments) {
    for (const leg of legsOf(a.trip_direction)) riders[leg] += typeof a.count === 'number' ? a.count : 1;
  }
  return riders;
}

/** Why one more rider cannot join: the offer is cancelled, misses a leg, or a leg is full. */
export type SeatRefusal =
  | { reason: 'cancelled' }
  | { reason: 'leg_not_offered'; leg: CarpoolLeg }
  | { reason: 'full'; leg: CarpoolLeg; seats: number };

/** Null when one more rider going `direction` fits in the offer, else why not. */
export function seatRefusal(offer: CarpoolRow, riders: RidersPerLeg, direction: unknown): SeatRefusal | null {
  if (offer.is_active === false) return { reason: 'cancelled' };
  const seats = Number(offer.total_seats_available) || 0;
  const offered = legsOf(offer.trip_direction);
  for (const leg of legsOf(direction)) {
    if (!offered.includes(leg)) return { reason: 'leg_not_offered', leg };
    if (riders[leg] >= seats) return { reason: 'full', leg, seats };
  }
  return null;
}

/** The first leg where an edited offer would carry more riders than its seats (0 on a dropped leg). */
export function overbookedLeg(
  offer: CarpoolRow,
  riders: RidersPerLeg,
): { leg: CarpoolLeg; taken: number; seats: number } | null {
  const offered = legsOf(offer.trip_direction);
  for (const leg of CARPOOL_LEGS) {
    const seats = offered.includes(leg) ? Number(offer.total_seats_available) || 0 : 0;
    if (riders[leg] > seats) return { leg, taken: riders[leg], seats };
  }
  return null;
}
