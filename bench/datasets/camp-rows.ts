import type { EntityType } from '@wampums/schema';

/** One server row of the bench data: its id is fixed up front so that children can point at it. */
export interface SeedRow {
  id: number;
  [field: string]: unknown;
}

/** Rows of one organization by entity type, parents first. */
export type CampRows = Partial<Record<EntityType, SeedRow[]>>;

/** First id of each entity type, handed out by the seeding code from the table's sequence. */
export type IdBases = Record<EntityType, number>;

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const isoDay = (offset: number) => new Date(START + offset * DAY_MS).toISOString().slice(0, 10);
const isoHour = (offset: number) => new Date(START + offset * 3_600_000).toISOString();

/** How many rows of each type make up `total` rows of a realistic unit (attendance fills the rest). */
export function campCounts(total: number): Record<EntityType, number> {
  const share = (f: number, min = 1) => Math.max(min, Math.floor(total * f));
  const counts = {
    groups: share(0.0002, 2),
    participants: share(0.02, 4),
    activities: share(0.002),
    badge_templates: Math.min(12, share(0.001, 2)),
    attendance: 0,
    honors: share(0.15),
    points: 0,
    badge_progress: share(0.05),
    medication_requirements: share(0.01),
    medication_distributions: share(0.1),
    carpool_offers: share(0.004),
    carpool_assignments: share(0.01),
  } satisfies Record<EntityType, number>;
  counts.points = counts.honors; // one points row per honor, as the server derives them
  const others = Object.values(counts).reduce((a, b) => a + b, 0);
  counts.attendance = Math.max(1, total - others);
  return counts;
}

/**
 * A deterministic organization of `total` rows across all 12 stores, every natural key unique and
 * every foreign key pointing at a row of the same set, so that it can be inserted as it is.
 */
export function campRows(total: number, bases: IdBases, userId: number): CampRows {
  const n = campCounts(total);
  const ids = (type: EntityType, count: number) => Array.from({ length: count }, (_, i) => bases[type] + i);
  const pick = (list: number[], k: number) => list[k % list.length] as number;
  const groups = ids('groups', n.groups);
  const participants = ids('participants', n.participants);
  const activities = ids('activities', n.activities);
  const templates = ids('badge_templates', n.badge_templates);
  const honors = ids('honors', n.honors);
  const requirements = ids('medication_requirements', n.medication_requirements);
  const offers = ids('carpool_offers', n.carpool_offers);
  const statuses = ['present', 'absent', 'late', 'excused'] as const;
  const rows = <T extends Record<string, unknown>>(type: EntityType, make: (k: number) => T) =>
    ids(type, n[type]).map((id, k) => ({ id, ...make(k) }));

  return {
    groups: rows('groups', (k) => ({ name: `Patrol ${k + 1}`, section: 'scouts' })),
    participants: rows('participants', (k) => ({
      first_name: `First${k}`,
      last_name: `Last${k}`,
      date_of_birth: isoDay(-4000 - (k % 1500)),
      group_id: pick(groups, k),
      first_leader: k % 10 === 0,
      second_leader: k % 10 === 1,
      notes: k % 3 === 0 ? 'Allergic to peanuts; bring the epipen to every outing.' : null,
    })),
    activities: rows('activities', (k) => ({
      name: `Outing ${k + 1}`,
      description: 'Hike along the river, lunch at the lookout, back before dark.',
      activity_date: isoDay(k * 3),
      start_date: isoDay(k * 3),
      start_time: '09:00',
      end_date: isoDay(k * 3),
      end_time: '16:30',
      meeting_location_going: 'Church parking lot',
      meeting_time_going: '08:45',
      meeting_location_return: 'Church parking lot',
      meeting_time_return: '16:45',
      is_active: true,
      created_by: userId,
    })),
    badge_templates: rows('badge_templates', (k) => ({
      template_key: `badge-${k}`,
      name: `Badge ${k}`,
      section: 'scouts',
      level_count: 3,
      levels: [1, 2, 3].map((level) => ({ level, name: `Star ${level}` })),
    })),
    attendance: rows('attendance', (k) => ({
      participant_id: pick(participants, k),
      date: isoDay(Math.floor(k / participants.length)),
      status: statuses[k % 4],
    })),
    honors: rows('honors', (k) => ({
      participant_id: pick(participants, k),
      date: isoDay(k % 300),
      reason: 'Helped a younger scout set up the tent in the rain',
      created_by: userId,
    })),
    points: rows('points', (k) => ({
      participant_id: pick(participants, k),
      group_id: null,
      honor_id: honors[k],
      value: 5,
    })),
    badge_progress: rows('badge_progress', (k) => {
      const perLevel = participants.length * templates.length;
      return {
        participant_id: pick(participants, k),
        badge_template_id: pick(templates, Math.floor(k / participants.length)),
        level: (Math.floor(k / perLevel) % 3) + 1,
        objective: 'Lead a knot-tying workshop',
        description: 'Showed the bowline and the clove hitch to the cubs.',
        status: k % 3 === 0 ? 'approved' : 'pending',
        approval_date: k % 3 === 0 ? isoDay(k % 200) : null,
        delivered_at: null,
      };
    }),
    medication_requirements: rows('medication_requirements', (k) => ({
      participant_id: pick(participants, k),
      medication_name: 'Salbutamol',
      dosage_instructions: 'Two puffs when needed, wait one minute between puffs.',
      route: 'inhaled',
      frequency_text: 'as needed',
      frequency_times: ['08:00', '20:00'],
      default_dose_amount: 2,
      default_dose_unit: 'puffs',
      general_notes: null,
      start_date: isoDay(0),
      end_date: isoDay(365),
    })),
    medication_distributions: rows('medication_distributions', (k) => ({
      medication_requirement_id: pick(requirements, k),
      participant_id: pick(participants, k % requirements.length),
      scheduled_for: isoHour(Math.floor(k / requirements.length)),
      dose_amount: 2,
      dose_unit: 'puffs',
      dose_notes: null,
      status: 'given',
      administered_at: isoHour(Math.floor(k / requirements.length)),
      administered_by: userId,
      witness_name: 'Akela',
    })),
    carpool_offers: rows('carpool_offers', (k) => ({
      activity_id: pick(activities, k),
      user_id: userId,
      vehicle_make: 'Toyota Sienna',
      vehicle_color: 'grey',
      total_seats_available: 8,
      trip_direction: 'both',
      notes: null,
      is_active: true,
      cancelled_reason: null,
    })),
    carpool_assignments: rows('carpool_assignments', (k) => ({
      carpool_offer_id: pick(offers, k),
      participant_id: pick(participants, k),
      assigned_by: userId,
      trip_direction: 'both',
      notes: null,
    })),
  };
}

/** The number of rows in a `CampRows`. */
export function countRows(rows: CampRows): number {
  return Object.values(rows).reduce((sum, list) => sum + (list?.length ?? 0), 0);
}
