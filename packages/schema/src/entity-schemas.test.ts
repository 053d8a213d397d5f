import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENTITIES, ENTITY_TYPES, type EntityType, fieldSpecsOf } from './entities';
import { applyCreateDefaults, createPayloadSchema, rowSchema, updatePatchSchema } from './entity-schemas';
import { generateTempId } from './temp-id';

// Arbitraries of valid values, written from domain.md, one per kind of field.
const id = fc.integer({ min: 1, max: 2_147_483_647 });
const date = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const instant = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const name = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0);
const text = fc.option(fc.string({ maxLength: 200 }), { nil: null });

const valid: Record<EntityType, fc.Arbitrary<Record<string, unknown>>> = {
  groups: fc.record({
    name,
    section: fc.constantFrom('general', 'beavers', 'cubs', 'scouts', 'venturers', 'rovers'),
  }),
  participants: fc.record({
    first_name: name,
    last_name: name,
    date_of_birth: fc.option(date, { nil: null }),
    group_id: fc.option(id, { nil: null }),
    first_leader: fc.boolean(),
    second_leader: fc.boolean(),
    notes: text,
  }),
  activities: fc.record({
    name,
    description: text,
    activity_date: date,
    start_date: fc.option(date, { nil: null }),
    start_time: fc.option(time, { nil: null }),
    end_date: fc.option(date, { nil: null }),
    end_time: fc.option(time, { nil: null }),
    meeting_location_going: text,
    meeting_time_going: fc.option(time, { nil: null }),
    meeting_location_return: text,
    meeting_time_return: fc.option(time, { nil: null }),
    is_active: fc.boolean(),
    created_by: fc.option(id, { nil: null }),
  }),
  badge_templates: fc.record({
    template_key: name,
    name,
    section: fc.constant('cubs'),
    level_count: fc.integer({ min: 1, max: 3 }),
    levels: fc.array(fc.record({ level: fc.integer({ min: 1, max: 3 }), name }), { maxLength: 3 }),
  }),
  attendance: fc.record({
    participant_id: id,
    date,
    status: fc.constantFrom('present', 'absent', 'late', 'excused'),
  }),
  honors: fc.record({ participant_id: id, date, reason: name, created_by: fc.option(id, { nil: null }) }),
  points: fc.record({
    participant_id: fc.option(id, { nil: null }),
    group_id: fc.option(id, { nil: null }),
    honor_id: fc.option(id, { nil: null }),
    value: fc.integer({ min: -1000, max: 1000 }),
  }),
  badge_progress: fc.record({
    participant_id: id,
    badge_template_id: id,
    level: fc.integer({ min: 1, max: 20 }),
    objective: text,
    description: text,
    status: fc.constantFrom('pending', 'approved', 'rejected'),
    approval_date: fc.option(date, { nil: null }),
    delivered_at: fc.option(instant, { nil: null }),
  }),
  medication_requirements: fc.record({
    participant_id: id,
    medication_name: name,
    dosage_instructions: text,
    route: fc.option(fc.string({ maxLength: 100 }), { nil: null }),
    frequency_text: text,
    frequency_times: fc.array(time, { maxLength: 6 }),
    default_dose_amount: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
    default_dose_unit: fc.option(fc.constantFrom('mg', 'ml', 'puff'), { nil: null }),
    general_notes: text,
    start_date: fc.option(date, { nil: null }),
    end_date: fc.option(date, { nil: null }),
  }),
  medication_distributions: fc.record({
    medication_requirement_id: id,
    participant_id: id,
    scheduled_for: instant,
    dose_amount: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: null }),
    dose_unit: fc.option(fc.constantFrom('mg', 'ml'), { nil: null }),
    dose_notes: text,
    status: fc.constantFrom('scheduled', 'given', 'missed', 'cancelled'),
    administered_at: fc.option(instant, { nil: null }),
    administered_by: fc.option(id, { nil: null }),
    witness_name: fc.option(name, { nil: null }),
  }),
  carpool_offers: fc.record({
    activity_id: id,
    user_id: fc.option(id, { nil: null }),
    vehicle_make: text.map((t) => t?.slice(0, 100) ?? null),
    vehicle_color: fc.option(fc.string({ maxLength: 50 }), { nil: null }),
    total_seats_available: fc.integer({ min: 1, max: 8 }),
    trip_direction: fc.constantFrom('both', 'to_activity', 'from_activity'),
    notes: text,
    is_active: fc.boolean(),
    cancelled_reason: text,
  }),
  carpool_assignments: fc.record({
    carpool_offer_id: id,
    participant_id: id,
    assigned_by: fc.option(id, { nil: null }),
    trip_direction: fc.constantFrom('both', 'to_activity', 'from_activity'),
    notes: text,
  }),
};

const withBase = (fields: Record<string, unknown>) => ({
  id: 7,
  organization_id: 1,
  created_at: '2026-07-14T10:00:00.000Z',
  updated_at: '2026-07-14T10:00:00.000Z',
  ...fields,
});

describe.each(ENTITY_TYPES)('%s schemas', (type) => {
  const specs = fieldSpecsOf(type);
  const requiredFields = Object.entries(specs)
    .filter(([, s]) => s.required)
    .map(([f]) => f);

  it('accept every valid row, create payload and patch', () => {
    fc.assert(
      fc.property(valid[type], (fields) => {
        expect(rowSchema(type).safeParse(withBase(fields)).success).toBe(true);
        expect(createPayloadSchema(type).safeParse(fields).error).toBeUndefined();
        expect(updatePatchSchema(type).safeParse(fields).success).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('refuse a wrong type in any field', () => {
    const fieldNames = Object.keys(specs);
    fc.assert(
      fc.property(
        valid[type],
        fc.constantFrom(...fieldNames),
        fc.constantFrom({ nested: true }, [1, 2], 'x'.repeat(6000)),
        (fields, field, wrong) => {
          const bad = { ...fields, [field]: wrong };
          expect(rowSchema(type).safeParse(withBase(bad)).success).toBe(false);
          expect(createPayloadSchema(type).safeParse(bad).success).toBe(false);
          expect(updatePatchSchema(type).safeParse({ [field]: wrong }).success).toBe(false);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuse unknown enum values', () => {
    const enumFields = Object.entries(specs)
      .filter(([, s]) => s.base.def.type === 'enum')
      .map(([f]) => f);
    for (const field of enumFields) {
      expect(updatePatchSchema(type).safeParse({ [field]: 'not_a_value' }).success).toBe(false);
    }
  });

  it('refuse a create missing a required field, and server-managed or unknown fields', () => {
    fc.assert(
      fc.property(valid[type], (fields) => {
        for (const field of requiredFields) {
          const { [field]: _dropped, ...rest } = fields;
          expect(createPayloadSchema(type).safeParse(rest).success).toBe(false);
        }
        for (const forged of ['organization_id', 'id', 'updated_at', 'unknown_field']) {
          expect(createPayloadSchema(type).safeParse({ ...fields, [forged]: 2 }).success).toBe(false);
        }
      }),
      { numRuns: 20 },
    );
    expect(updatePatchSchema(type).safeParse({}).success).toBe(false);
  });

  it('accept temp ids in foreign keys of payloads, never in stored rows', () => {
    const refs = Object.entries(specs)
      .filter(([, s]) => s.kind === 'ref')
      .map(([f]) => f);
    fc.assert(
      fc.property(valid[type], (fields) => {
        for (const field of refs) {
          const withTemp = { ...fields, [field]: generateTempId() };
          expect(createPayloadSchema(type).safeParse(withTemp).success).toBe(true);
          expect(rowSchema(type).safeParse(withBase(withTemp)).success).toBe(false);
        }
      }),
      { numRuns: 10 },
    );
  });
});

describe('create defaults', () => {
  it('fill declared defaults and the signed-in user', () => {
    const filled = applyCreateDefaults('carpool_offers', { activity_id: 3, total_seats_available: 4 }, 42);
    expect(filled).toMatchObject({ user_id: 42, trip_direction: 'both', is_active: true, notes: null });
    expect(rowSchema('carpool_offers').safeParse(withBase(filled)).success).toBe(true);
    expect(ENTITIES.points.readOnly && ENTITIES.badge_templates.readOnly).toBe(true);
  });
});
