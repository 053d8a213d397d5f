import { describe, expect, it } from 'vitest';
import { doseTiming, sameSlot, slotsOfDay } from './medication';
import { dayInZone, instantInZone, phoneZoneDiffers, timeInZone } from './time-zone';

describe('time in the organization zone', () => {
  it('turns a wall-clock time into the same instant in any runtime zone', () => {
    expect(instantInZone('2026-07-14', '07:30', 'America/Toronto')).toBe('2026-07-14T11:30:00.000Z');
    expect(instantInZone('2026-01-14', '07:30', 'America/Toronto')).toBe('2026-01-14T12:30:00.000Z');
    expect(instantInZone('2026-07-14', '07:30', 'Europe/Paris')).toBe('2026-07-14T05:30:00.000Z');
    expect(instantInZone('2026-07-14', '07:30', 'UTC')).toBe('2026-07-14T07:30:00.000Z');
  });

  it('gives the day and time of an instant in the zone', () => {
    // 02:30 UTC on the 15th is still the evening of the 14th in Toronto.
    expect(dayInZone('2026-07-15T02:30:00.000Z', 'America/Toronto')).toBe('2026-07-14');
    expect(timeInZone('2026-07-15T02:30:00.000Z', 'America/Toronto')).toBe('22:30');
    expect(dayInZone('2026-07-14T23:30:00.000Z', 'Europe/Paris')).toBe('2026-07-15');
  });

  it('moves a time skipped by spring-forward one hour later', () => {
    // 2026-03-08 02:30 does not exist in Toronto.
    expect(instantInZone('2026-03-08', '02:30', 'America/Toronto')).toBe('2026-03-08T07:30:00.000Z');
  });

  it('round-trips every slot of a day', () => {
    for (const zone of ['America/Toronto', 'Europe/Paris', 'Pacific/Auckland', 'Asia/Kolkata']) {
      for (let h = 0; h < 24; h++) {
        const time = `${String(h).padStart(2, '0')}:15`;
        const at = instantInZone('2026-07-14', time, zone);
        expect(dayInZone(at, zone)).toBe('2026-07-14');
        expect(timeInZone(at, zone)).toBe(time);
      }
    }
  });

  it('tells whether the phone zone differs (the test runner is in UTC or elsewhere)', () => {
    const now = new Date('2026-07-14T12:00:00Z');
    const phoneOffset = -now.getTimezoneOffset();
    expect(phoneZoneDiffers('America/Toronto', now)).toBe(phoneOffset !== -240);
    expect(phoneZoneDiffers('Asia/Kolkata', now)).toBe(phoneOffset !== 330);
  });
});

describe('slots and timing', () => {
  const requirement = {
    id: 7,
    frequency_times: ['19:00', '07:30', '07:30:00'],
    start_date: '2026-07-10',
    end_date: '2026-07-20',
  };

  it('lists each time once, earliest first, inside the dates only', () => {
    expect(slotsOfDay(requirement, '2026-07-14', 'America/Toronto')).toEqual([
      { time: '07:30', scheduledFor: '2026-07-14T11:30:00.000Z' },
      { time: '19:00', scheduledFor: '2026-07-14T23:00:00.000Z' },
    ]);
    expect(slotsOfDay(requirement, '2026-07-21', 'America/Toronto')).toEqual([]);
    expect(slotsOfDay({ id: 8, frequency_times: [] }, '2026-07-14', 'UTC')).toEqual([]);
  });

  it('compares slots as instants, whatever their formatting', () => {
    const a = { medication_requirement_id: 7, scheduled_for: '2026-07-14T11:30:00.000Z' };
    expect(sameSlot(a, { medication_requirement_id: '7', scheduled_for: '2026-07-14T07:30:00-04:00' })).toBe(
      true,
    );
    expect(sameSlot(a, { medication_requirement_id: 8, scheduled_for: a.scheduled_for })).toBe(false);
  });

  it('flags early, late and overdue beyond the tolerance', () => {
    const slot = '2026-07-14T11:30:00.000Z';
    const t = (iso: string) => Date.parse(iso);
    const given = (at: string) => ({ status: 'given', administered_at: at });
    expect(doseTiming(slot, given('2026-07-14T10:59:00.000Z'), 0)).toBe('early');
    expect(doseTiming(slot, given('2026-07-14T11:00:00.000Z'), 0)).toBe('on-time');
    expect(doseTiming(slot, given('2026-07-14T12:01:00.000Z'), 0)).toBe('late');
    expect(doseTiming(slot, undefined, t('2026-07-14T12:01:00.000Z'))).toBe('overdue');
    expect(doseTiming(slot, undefined, t('2026-07-14T11:45:00.000Z'))).toBe('due');
    expect(doseTiming(slot, undefined, t('2026-07-14T10:00:00.000Z'))).toBe('upcoming');
    expect(doseTiming(slot, { status: 'missed' }, t('2026-07-14T13:00:00.000Z'))).toBe('recorded');
  });
});
