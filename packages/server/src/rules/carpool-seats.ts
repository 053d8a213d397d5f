import { overbookedLeg, type RidersPerLeg, ridersPerLeg, seatRefusal, WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { Row } from '../entities/rows';

const LEG_WORD = { to_activity: 'to', from_activity: 'from' } as const;

/** Riders of an offer per leg, leaving out one assignment (the one being moved). */
async function ridersOf(
  tx: Queryable,
  organizationId: number,
  offerId: number,
  excludeAssignmentId: number | null,
): Promise<RidersPerLeg> {
  const rows = await tx.query<{ trip_direction: string; count: number }>(
    `SELECT trip_direction, count(*)::int AS count FROM carpool_assignments
     WHERE organization_id = $1 AND carpool_offer_id = $2 AND ($3::int IS NULL OR id <> $3::int)
     GROUP BY trip_direction`,
    [organizationId, offerId, excludeAssignmentId],
  );
  return ridersPerLeg(rows);
}

/**
 * Checks that a rider fits in an offer for every leg of `direction` (the rule is
 * `seatRefusal` in @wampums/schema, the app's too). The offer row is locked FOR UPDATE first:
 * two racing assignments to one offer run one after the other, and the second counts the
 * first, so an offer is never overbooked.
 */
export async function assertSeatAvailable(
  tx: Queryable,
  organizationId: number,
  offerId: number,
  direction: string,
  excludeAssignmentId: number | null,
): Promise<void> {
  const [offer] = await tx.query<Row>(
    `SELECT id, total_seats_available, trip_direction, is_active FROM carpool_offers
     WHERE organization_id = $1 AND id = $2 FOR UPDATE`,
    [organizationId, offerId],
  );
  if (!offer) throw new WampumsError('not_found', 'carpool_offer_id refers to no carpool_offers record');
  const refusal = seatRefusal(
    offer,
    await ridersOf(tx, organizationId, offerId, excludeAssignmentId),
    direction,
  );
  if (!refusal) return;
  if (refusal.reason === 'cancelled') throw new WampumsError('no_seats', 'This carpool offer is cancelled');
  if (refusal.reason === 'leg_not_offered') {
    throw new WampumsError('no_seats', `This carpool does not travel ${LEG_WORD[refusal.leg]} the activity`);
  }
  throw new WampumsError('no_seats', `No seat left ${LEG_WORD[refusal.leg]} the activity`, {
    seats: refusal.seats,
    direction: refusal.leg,
  });
}

/** Refuses an offer edit that would leave more riders than seats (or riders on a dropped leg). */
export async function assertOfferKeepsRiders(
  tx: Queryable,
  organizationId: number,
  offer: Row,
): Promise<void> {
  const over = overbookedLeg(offer, await ridersOf(tx, organizationId, Number(offer.id), null));
  if (over) {
    throw new WampumsError(
      'no_seats',
      `${over.taken} riders are assigned but only ${over.seats} seats remain`,
      {
        seats: over.seats,
        taken: over.taken,
      },
    );
  }
}
