import { type TripDirection, WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

type Leg = 'to' | 'from';

/** The legs a trip direction covers. */
export function legsOf(direction: TripDirection): Leg[] {
  if (direction === 'to_activity') return ['to'];
  if (direction === 'from_activity') return ['from'];
  return ['to', 'from'];
}

interface OfferRow {
  id: number;
  total_seats_available: number;
  trip_direction: TripDirection;
  is_active: boolean;
}

/**
 * Checks that a rider fits in an offer for every leg of `direction`. The offer row is locked
 * FOR UPDATE first: two racing assignments to one offer run one after the other, and the
 * second counts the first, so an offer is never overbooked.
 */
export async function assertSeatAvailable(
  tx: Queryable,
  organizationId: number,
  offerId: number,
  direction: TripDirection,
  excludeAssignmentId: number | null,
): Promise<void> {
  const [offer] = await tx.query<OfferRow>(
    `SELECT id, total_seats_available, trip_direction, is_active FROM carpool_offers
     WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
    [organizationId, offerId],
  );
  if (!offer) throw new WampumsError('not_found', 'carpool_offer_id refers to no carpool_offers record');
  if (!offer.is_active) throw new WampumsError('no_seats', 'This carpool offer is cancelled');
  const offered = legsOf(offer.trip_direction);
  for (const leg of legsOf(direction)) {
    if (!offered.includes(leg)) {
      throw new WampumsError(
        'no_seats',
        `This carpool does not travel ${leg === 'to' ? 'to' : 'from'} the activity`,
      );
    }
    const directions = leg === 'to' ? ['both', 'to_activity'] : ['both', 'from_activity'];
    const [row] = await tx.query<{ taken: number }>(
      `SELECT count(*)::int AS taken FROM carpool_assignments
       WHERE organization_id = $1 AND carpool_offer_id = $2 AND trip_direction = ANY($3::text[])
         AND ($4::int IS NULL OR id <> $4::int)`,
      [organizationId, offerId, directions, excludeAssignmentId],
    );
    if ((row?.taken ?? 0) >= offer.total_seats_available) {
      throw new WampumsError('no_seats', `No seat left ${leg === 'to' ? 'to' : 'from'} the activity`, {
        seats: offer.total_seats_available,
        direction: leg === 'to' ? 'to_activity' : 'from_activity',
      });
    }
  }
}

/** Refuses an offer edit that would leave more riders than seats (or riders on a dropped leg). */
export async function assertOfferKeepsRiders(
  tx: Queryable,
  organizationId: number,
  offer: Row,
): Promise<void> {
  const offered = legsOf(offer.trip_direction as TripDirection);
  for (const leg of ['to', 'from'] as const) {
    const directions = leg === 'to' ? ['both', 'to_activity'] : ['both', 'from_activity'];
    const [row] = await tx.query<{ taken: number }>(
      `SELECT count(*)::int AS taken FROM carpool_assignments
       WHERE organization_id = $1 AND carpool_offer_id = $2 AND trip_direction = ANY($3::text[])`,
      [organizationId, offer.id, directions],
    );
    const taken = row?.taken ?? 0;
    const seats = offered.includes(leg) ? Number(offer.total_seats_available) : 0;
    if (taken > seats) {
      throw new WampumsError('no_seats', `${taken} riders are assigned but only ${seats} seats remain`, {
        seats,
        taken,
      });
    }
  }
}
