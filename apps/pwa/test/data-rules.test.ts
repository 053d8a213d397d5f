import type { ConflictRecord } from '@wampums/schema';
import { describe, expect, it } from 'vitest';
import { conflictFields } from '../src/offline/conflict-fields';
import { dosesOfDay, typedDoseInstant } from '../src/offline/medication-schedule';
import { changedFields } from '../src/offline/patch';
import { pointTotals } from '../src/offline/points';

describe('point totals', () => {
  const participants = [
    { id: 1, group_id: 10 },
    { id: 'temp_1700000000_abcdef', group_id: 10 },
    { id: 2, group_id: 20 },
  ];
  it('sums confirmed points per participant and group, group rows included, and marks unconfirmed honors pending', () => {
    const points = [
      {
        id: 1,
        participant_id: 1,
        group_id: 10,
        honor_id: 100,
        value: 7,
        updated_at: '2026-01-01T00:00:00.000Z',
      },
      { id: 2, participant_id: null, group_id: 10, honor_id: null, value: 3 },
      { id: 3, participant_id: 2, group_id: 20, honor_id: null, value: -1 },
    ];
    const honors = [
      { id: 100, participant_id: 1 },
      { id: 'temp_1700000001_zzzzzz', participant_id: 'temp_1700000000_abcdef' },
    ];
    const totals = pointTotals(participants, points, honors);
    expect(totals.byParticipant.get('1')).toEqual({ confirmed: 7, pending: 0 });
    // The pending honor is valued like the organization's last derived honor (7), not the default.
    expect(totals.byParticipant.get('temp_1700000000_abcdef')).toEqual({ confirmed: 0, pending: 7 });
    expect(totals.byGroup.get('10')).toEqual({ confirmed: 10, pending: 7 });
    expect(totals.byGroup.get('20')).toEqual({ confirmed: -1, pending: 0 });
  });
});

describe('medication schedule', () => {
  const zone = 'America/Toronto';
  const requirements = [
    {
      id: 1,
      participant_id: 5,
      frequency_times: ['20:00', '08:00'],
      start_date: '2026-07-01',
      end_date: null,
    },
    { id: 2, participant_id: 6, frequency_times: ['12:00'], start_date: '2026-07-20', end_date: null },
    { id: 3, participant_id: 6, frequency_times: [], start_date: null, end_date: null },
  ];

  it('lists the slots of the day on the unit clock, matched to recorded doses, and every other dose of the day', () => {
    // 08:00 in Toronto, whatever zone the test runs in.
    const given = {
      id: 9,
      medication_requirement_id: 1,
      scheduled_for: '2026-07-14T12:00:00.000Z',
      status: 'given',
    };
    // A dose recorded at 14:10 Toronto time (no slot then), and one of the day before.
    const extra = {
      id: 10,
      medication_requirement_id: 1,
      scheduled_for: '2026-07-14T18:10:00.000Z',
      status: 'given',
    };
    const yesterday = {
      id: 11,
      medication_requirement_id: 1,
      scheduled_for: '2026-07-14T03:00:00.000Z',
      status: 'given',
    };
    const asNeeded = [
      {
        id: 12,
        medication_requirement_id: 3,
        scheduled_for: '2026-07-12T15:00:00.000Z',
        administered_at: '2026-07-12T15:00:00.000Z',
        status: 'given',
      },
      {
        id: 13,
        medication_requirement_id: 3,
        scheduled_for: '2026-07-13T15:00:00.000Z',
        administered_at: '2026-07-13T15:00:00.000Z',
        status: 'given',
      },
    ];
    const day = dosesOfDay(
      '2026-07-14',
      zone,
      requirements,
      [given, extra, yesterday, ...asNeeded],
      Date.parse('2026-07-15T12:00:00Z'),
    );
    expect(day.slots.map((d) => [d.requirement.id, d.time, d.distribution?.id, d.timing])).toEqual([
      [1, '08:00', 9, 'on-time'],
      [1, '20:00', undefined, 'overdue'],
    ]);
    expect(day.others.map((d) => d.id)).toEqual([10]);
    expect(day.asNeeded.map((a) => [a.requirement.id, a.lastGiven?.id])).toEqual([[3, 13]]);
  });

  it('reads a typed time as today on the unit clock, or yesterday when today would be to come', () => {
    const now = Date.parse('2026-07-14T12:00:00Z'); // 08:00 in Toronto
    expect(typedDoseInstant('07:45', zone, now)).toBe('2026-07-14T11:45:00.000Z');
    expect(typedDoseInstant('23:50', zone, now)).toBe('2026-07-14T03:50:00.000Z');
  });
});

describe('edits', () => {
  it('send only the fields the leader changed', () => {
    expect(
      changedFields(
        { notes: 'a', group_id: 1, frequency_times: ['08:00'] },
        { notes: 'b', group_id: 1, frequency_times: ['08:00'] },
      ),
    ).toEqual({
      notes: 'b',
    });
  });

  it('show a person the fields either side changed in a conflict', () => {
    const conflict: ConflictRecord = {
      entityType: 'medication_requirements',
      entityId: 3,
      correlationId: 'c',
      localVersion: { dosage_instructions: 'mine' },
      serverVersion: { dosage_instructions: 'theirs', route: 'oral', medication_name: 'X' },
      baseVersion: { dosage_instructions: 'old', route: null, medication_name: 'X' },
      strategy: 'manual',
      resolution: 'pending-user',
      resolvedVersion: null,
      detectedAt: 0,
      resolvedAt: null,
    };
    expect(conflictFields(conflict)).toEqual([
      { field: 'dosage_instructions', local: 'mine', server: 'theirs' },
      { field: 'route', local: null, server: 'oral' },
    ]);
  });
});
