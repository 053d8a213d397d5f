import { describe, expect, it } from 'vitest';
import { overbookedLeg, ridersPerLeg, seatRefusal } from './carpool';

describe('carpool seats', () => {
  const offer = { total_seats_available: 2, trip_direction: 'both', is_active: true };
  const riders = ridersPerLeg([{ trip_direction: 'both' }, { trip_direction: 'to_activity' }]);

  it('counts riders per leg, from assignments or from counts per direction', () => {
    expect(riders).toEqual({ to_activity: 2, from_activity: 1 });
    expect(
      ridersPerLeg([
        { trip_direction: 'both', count: 3 },
        { trip_direction: 'from_activity', count: 2 },
      ]),
    ).toEqual({ to_activity: 3, from_activity: 5 });
  });

  it('lets one more rider join only where every leg of the trip has a free seat', () => {
    expect(seatRefusal(offer, riders, 'from_activity')).toBeNull();
    expect(seatRefusal(offer, riders, 'to_activity')).toEqual({
      reason: 'full',
      leg: 'to_activity',
      seats: 2,
    });
    expect(seatRefusal(offer, riders, 'both')).toEqual({ reason: 'full', leg: 'to_activity', seats: 2 });
  });

  it('refuses a leg the offer does not travel, and any rider of a cancelled offer', () => {
    const empty = ridersPerLeg([]);
    expect(seatRefusal({ ...offer, trip_direction: 'to_activity' }, empty, 'from_activity')).toEqual({
      reason: 'leg_not_offered',
      leg: 'from_activity',
    });
    expect(seatRefusal({ ...offer, is_active: false }, empty, 'both')).toEqual({ reason: 'cancelled' });
  });

  it('finds the leg an edited offer would overbook, a dropped leg counting no seat', () => {
    expect(overbookedLeg(offer, riders)).toBeNull();
    expect(overbookedLeg({ ...offer, total_seats_available: 1 }, riders)).toEqual({
      leg: 'to_activity',
      taken: 2,
      seats: 1,
    });
    expect(overbookedLeg({ ...offer, trip_direction: 'to_activity' }, riders)).toEqual({
      leg: 'from_activity',
      taken: 1,
      seats: 0,
    });
  });
});
