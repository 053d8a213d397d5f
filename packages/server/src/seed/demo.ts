import { dayInZone, instantInZone } from '@wampums/schema';
import { hashPassword } from '../auth/passwords';
import type { Queryable } from '../db/database';
import { insertRow, type Row } from '../entities/rows';
import { awardHonorPoints } from '../rules/points';
import { DEMO, type DemoOrganization } from './demo-names';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'offline-first';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function seedOrganization(tx: Queryable, demo: DemoOrganization, passwordHash: string, today: number) {
  const [org] = await tx.query<{ id: number }>(
    `INSERT INTO organizations (name, locale, settings, time_zone) VALUES ($1, $2, $3::jsonb, $4) RETURNING id`,
    [demo.name, demo.locale, JSON.stringify({ pointsPerHonor: 5 }), demo.timeZone],
  );
  const orgId = org!.id;
  const users: number[] = [];
  for (const u of demo.users) {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO users (organization_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [orgId, u.email, u.name, u.role, passwordHash],
    );
    users.push(row!.id);
  }
  const leader = users[Math.min(1, users.length - 1)]!;
  const insert = async (type: Parameters<typeof insertRow>[1], values: Row) =>
    (await insertRow(tx, type, orgId, values)) as Row;

  const groups = [];
  for (const name of demo.groups) groups.push(await insert('groups', { name, section: 'cubs' }));
  const participants = [];
  for (const [i, [first, last]] of demo.participants.entries()) {
    participants.push(
      await insert('participants', {
        first_name: first,
        last_name: last,
        date_of_birth: isoDay(today - (8 + (i % 3)) * 365 * DAY - i * 17 * DAY),
        group_id: groups[i % groups.length]!.id,
        first_leader: i < groups.length,
        second_leader: i >= groups.length && i < groups.length * 2,
        notes: null,
      }),
    );
  }
  // A weekly meeting for the last four weeks.
  for (let week = 4; week >= 1; week--) {
    const date = isoDay(today - week * 7 * DAY);
    for (const [i, p] of participants.entries()) {
      const status = (i + week) % 9 === 0 ? 'absent' : (i + week) % 7 === 0 ? 'late' : 'present';
      await insert('attendance', { participant_id: p.id, date, status });
    }
  }
  for (const [i, reason] of demo.honorReasons.entries()) {
    const honor = await insert('honors', {
      participant_id: participants[(i * 3) % participants.length]!.id,
      date: isoDay(today - (i + 1) * 6 * DAY),
      reason,
      created_by: leader,
    });
    await awardHonorPoints(tx, orgId, honor);
  }
  const templates = [];
  for (const b of demo.badges) {
    templates.push(
      await insert('badge_templates', {
        template_key: b.key,
        name: b.name,
        section: 'cubs',
        level_count: b.levels.length,
        levels: b.levels.map((name, i) => ({ level: i + 1, name })),
      }),
    );
  }
  for (let i = 0; i < 6; i++) {
    const status = i % 3 === 0 ? 'approved' : 'pending';
    await insert('badge_progress', {
      participant_id: participants[i]!.id,
      badge_template_id: templates[i % templates.length]!.id,
      level: 1,
      objective: null,
      description: null,
      status,
      approval_date: status === 'approved' ? isoDay(today - 10 * DAY) : null,
      delivered_at: null,
    });
  }
  for (const [i, m] of demo.medications.entries()) {
    const participant = participants[i * 2 + 1]!;
    const requirement = await insert('medication_requirements', {
      participant_id: participant.id,
      medication_name: m.name,
      dosage_instructions: null,
      route: m.route,
      frequency_text: null,
      frequency_times: m.times,
      default_dose_amount: m.dose,
      default_dose_unit: m.unit,
      general_notes: null,
      start_date: isoDay(today - 14 * DAY),
      end_date: isoDay(today + 14 * DAY),
    });
    // Yesterday, today and tomorrow of the unit's own calendar, its times on its own clock
    // (docs/domain.md): the past ones given, the rest scheduled.
    const unitToday = Date.parse(`${dayInZone(Date.now(), demo.timeZone)}T00:00:00Z`);
    for (let d = -1; d <= 1; d++) {
      for (const time of m.times) {
        const scheduled = Date.parse(instantInZone(isoDay(unitToday + d * DAY), time, demo.timeZone));
        const given = scheduled < Date.now();
        await insert('medication_distributions', {
          medication_requirement_id: requirement.id,
          participant_id: participant.id,
          scheduled_for: new Date(scheduled).toISOString(),
          dose_amount: m.dose,
          dose_unit: m.unit,
          status: given ? 'given' : 'scheduled',
          administered_at: given ? new Date(scheduled + 5 * 60_000).toISOString() : null,
          administered_by: given ? leader : null,
        });
      }
    }
    // An extra dose yesterday afternoon, outside every set time (an as-needed puff): the
    // schedule lists it too.
    if (i === 0 && m.times.length > 0) {
      const extra = Date.parse(instantInZone(isoDay(unitToday - DAY), '14:10', demo.timeZone));
      await insert('medication_distributions', {
        medication_requirement_id: requirement.id,
        participant_id: participant.id,
        scheduled_for: new Date(extra).toISOString(),
        dose_amount: m.dose,
        dose_unit: m.unit,
        dose_notes: null,
        status: 'given',
        administered_at: new Date(extra).toISOString(),
        administered_by: leader,
      });
    }
  }
  for (const [i, name] of demo.activities.entries()) {
    const date = isoDay(today + (i === 0 ? -12 : i * 9) * DAY);
    const activity = await insert('activities', {
      name,
      activity_date: date,
      start_date: date,
      start_time: '09:00',
      end_date: date,
      end_time: '16:00',
      meeting_location_going: null,
      meeting_time_going: '08:30',
      meeting_location_return: null,
      meeting_time_return: '16:30',
      is_active: true,
      created_by: leader,
    });
    if (i === 0) continue;
    for (const [v, [make, color]] of demo.vehicles.entries()) {
      const offer = await insert('carpool_offers', {
        activity_id: activity.id,
        user_id: users[v % users.length],
        vehicle_make: make,
        vehicle_color: color,
        total_seats_available: 3 + v,
        trip_direction: v === 0 ? 'both' : 'to_activity',
        is_active: true,
      });
      for (let r = 0; r < 2; r++) {
        await insert('carpool_assignments', {
          carpool_offer_id: offer.id,
          participant_id: participants[(v * 2 + r + i) % participants.length]!.id,
          assigned_by: leader,
          trip_direction: v === 0 ? 'both' : 'to_activity',
        });
      }
    }
  }
}

/**
 * Seeds the two demo organizations when the database has no organization yet (so a restart
 * never seeds twice). Returns whether it seeded.
 */
export async function seedDemo(db: {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727310002)');
    const [{ count } = { count: 0 }] = await tx.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM organizations',
    );
    if (count > 0) return false;
    await seedOrganization(tx, DEMO.a, passwordHash, today);
    await seedOrganization(tx, DEMO.b, passwordHash, today);
    return true;
  });
}
