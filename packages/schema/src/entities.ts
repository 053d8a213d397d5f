import { z } from 'zod';
import { type Authorship, type FieldSpec, optional, ref, required, user, withDefault } from './field-spec';
import {
  attendanceStatusEnum,
  badgeStatusEnum,
  distributionStatusEnum,
  isoDate,
  isoInstant,
  longText,
  sectionEnum,
  shortText,
  timeOfDay,
  tripDirectionEnum,
} from './field-types';
import { ROLES, type Role, STAFF } from './roles';

/**
 * How a conflict on an entity is settled (the seed's table, section 5).
 * - `field-merge`: fields changed on one side only are kept; a field changed on both sides
 *   goes to the later edit.
 * - `last-write-wins`: the later edit wins (client time corrected by the measured clock offset,
 *   against the server's `updated_at`).
 * - `create-wins`: creates never conflict; later edits are last-write-wins.
 * - `server-authoritative`: the server's row always wins (derived or read-only data).
 * - `status-escalation`: last-write-wins, except that `approved` is never lost.
 * - `manual`: kept in `_conflicts` with both versions until a person chooses.
 */
export type ConflictStrategy =
  | 'field-merge'
  | 'last-write-wins'
  | 'create-wins'
  | 'server-authoritative'
  | 'status-escalation'
  | 'manual';

export interface EntityDefinition<F extends Record<string, FieldSpec> = Record<string, FieldSpec>> {
  /** Secondary indexes of the local store, exactly as the seed lists them (`[a+b]` is compound). */
  readonly indexes: readonly string[];
  readonly fields: F;
  /** Fields that identify a record besides its id (unique per organization). */
  readonly naturalKey: readonly (keyof F & string)[] | null;
  /** Clients never write it: the server derives it or it is reference data. */
  readonly readOnly: boolean;
  readonly conflictStrategy: ConflictStrategy;
  /**
   * Who reads it (`docs/privacy.md`): the roles that receive its rows at all, and per field the
   * roles that receive that field (any other role gets the row without it). Enforced in one place
   * on the server (`read-access.ts`), by REST and pull alike; see `read-rules.ts`.
   */
  readonly readers: ReadRule<keyof F & string>;
  /**
   * Fields sealed at rest on a phone while the app is locked (docs/privacy.md, "At rest on the
   * phone"): health data and what is said of a child. Never an indexed field, so that queries
   * keep working on what stays clear.
   */
  readonly sensitive?: readonly (keyof F & string)[];
}

/** Which roles read an entity, and which of its fields. */
export interface ReadRule<K extends string = string> {
  readonly roles: readonly Role[];
  readonly fields?: Partial<Record<K, readonly Role[]>>;
}

/** Every role reads every field. */
const everyone = { roles: ROLES } as const;

function entity<const F extends Record<string, FieldSpec>>(
  definition: EntityDefinition<F>,
): EntityDefinition<F> {
  return definition;
}

const levelSchema = z.object({ level: z.number().int().min(1).max(20), name: shortText(120) }).strict();

/**
 * The 12 entity stores of the seed, declared in the seed's push order. The push order itself
 * is computed from the foreign keys below (`graph.ts`); the declaration order only breaks ties.
 */
export const ENTITIES = {
  groups: entity({
    indexes: ['organization_id'],
    fields: {
      name: required(shortText(120)),
      section: withDefault(sectionEnum, 'general'),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    readers: everyone,
  }),
  participants: entity({
    indexes: ['organization_id', 'group_id', '[organization_id+group_id]'],
    fields: {
      first_name: required(shortText(100)),
      last_name: required(shortText(100)),
      date_of_birth: optional(isoDate),
      // A soft reference: the participant outlives its group, but a push must still create the
      // group first when both are new.
      group_id: ref('groups', { nullable: true, soft: true, onDelete: 'set-null' }),
      first_leader: withDefault(z.boolean(), false),
      second_leader: withDefault(z.boolean(), false),
      notes: optional(longText(5000)),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'field-merge',
    // A child's birth date and notes (health, family) are for the people who run the unit.
    readers: { roles: ROLES, fields: { date_of_birth: STAFF, notes: STAFF } },
    sensitive: ['date_of_birth', 'notes'],
  }),
  activities: entity({
    indexes: ['organization_id', 'activity_date'],
    fields: {
      name: required(shortText(200)),
      description: optional(longText(5000)),
      activity_date: required(isoDate),
      start_date: optional(isoDate),
      start_time: optional(timeOfDay),
      end_date: optional(isoDate),
      end_time: optional(timeOfDay),
      meeting_location_going: optional(longText(300)),
      meeting_time_going: optional(timeOfDay),
      meeting_location_return: optional(longText(300)),
      meeting_time_return: optional(timeOfDay),
      is_active: withDefault(z.boolean(), true),
      created_by: user(),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    readers: everyone,
  }),
  badge_templates: entity({
    indexes: ['organization_id'],
    fields: {
      template_key: required(shortText(100)),
      name: required(shortText(200)),
      section: withDefault(sectionEnum, 'general'),
      level_count: withDefault(z.number().int().min(1).max(20), 1),
      levels: withDefault(z.array(levelSchema).max(20), []),
    },
    naturalKey: ['template_key'],
    readOnly: true,
    conflictStrategy: 'server-authoritative',
    readers: everyone,
  }),
  attendance: entity({
    indexes: ['participant_id', 'date', '[participant_id+date]', 'organization_id'],
    fields: {
      participant_id: ref('participants'),
      date: required(isoDate),
      status: required(attendanceStatusEnum),
    },
    naturalKey: ['participant_id', 'date'],
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    readers: everyone,
  }),
  honors: entity({
    indexes: ['participant_id', 'organization_id', 'created_at'],
    fields: {
      participant_id: ref('participants'),
      date: required(isoDate),
      reason: required(shortText(500)),
      created_by: user(),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'create-wins',
    readers: everyone,
  }),
  points: entity({
    indexes: ['participant_id', 'honor_id'],
    fields: {
      participant_id: ref('participants', { nullable: true, onDelete: 'cascade' }),
      group_id: ref('groups', { nullable: true, onDelete: 'cascade' }),
      honor_id: ref('honors', { nullable: true, onDelete: 'cascade' }),
      value: required(z.number().int().min(-1000).max(1000)),
    },
    naturalKey: null,
    readOnly: true,
    conflictStrategy: 'server-authoritative',
    readers: everyone,
  }),
  badge_progress: entity({
    indexes: ['participant_id', 'badge_template_id', 'status'],
    fields: {
      participant_id: ref('participants'),
      badge_template_id: ref('badge_templates'),
      level: withDefault(z.number().int().min(1).max(20), 1),
      objective: optional(longText(2000)),
      description: optional(longText(5000)),
      status: withDefault(badgeStatusEnum, 'pending'),
      approval_date: optional(isoDate),
      delivered_at: optional(isoInstant),
    },
    naturalKey: ['participant_id', 'badge_template_id', 'level'],
    readOnly: false,
    conflictStrategy: 'status-escalation',
    readers: everyone,
  }),
  medication_requirements: entity({
    indexes: ['participant_id', 'organization_id'],
    fields: {
      participant_id: ref('participants'),
      medication_name: required(shortText(200)),
      dosage_instructions: optional(longText(2000)),
      route: optional(longText(100)),
      frequency_text: optional(longText(300)),
      frequency_times: withDefault(z.array(timeOfDay).max(24), []),
      default_dose_amount: optional(z.number().positive().max(100_000)),
      default_dose_unit: optional(longText(50)),
      general_notes: optional(longText(5000)),
      start_date: optional(isoDate),
      end_date: optional(isoDate),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'manual',
    // Medication records are health data: only the people who give the medication read them.
    readers: { roles: STAFF },
    sensitive: [
      'medication_name',
      'dosage_instructions',
      'route',
      'frequency_text',
      'frequency_times',
      'default_dose_amount',
      'default_dose_unit',
      'general_notes',
      'start_date',
      'end_date',
    ],
  }),
  medication_distributions: entity({
    indexes: ['medication_requirement_id', 'participant_id', 'scheduled_for'],
    fields: {
      medication_requirement_id: ref('medication_requirements'),
      participant_id: ref('participants'),
      scheduled_for: required(isoInstant),
      dose_amount: optional(z.number().positive().max(100_000)),
      dose_unit: optional(longText(50)),
      dose_notes: optional(longText(2000)),
      status: withDefault(distributionStatusEnum, 'scheduled'),
      administered_at: optional(isoInstant),
      administered_by: user('writer'),
      witness_name: optional(longText(200)),
    },
    naturalKey: ['medication_requirement_id', 'participant_id', 'scheduled_for'],
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    // Medication records are health data: only the people who give the medication read them.
    readers: { roles: STAFF },
    // `scheduled_for` stays clear: it is indexed (the day's doses are queried by it).
    sensitive: ['dose_amount', 'dose_unit', 'dose_notes', 'status', 'administered_at', 'witness_name'],
  }),
  carpool_offers: entity({
    indexes: ['activity_id', 'user_id'],
    fields: {
      activity_id: ref('activities'),
      // The driver: only they (or an admin) change or delete the offer.
      user_id: user('owner'),
      vehicle_make: optional(longText(100)),
      vehicle_color: optional(longText(50)),
      total_seats_available: required(z.number().int().min(1).max(8)),
      trip_direction: withDefault(tripDirectionEnum, 'both'),
      notes: optional(longText(2000)),
      is_active: withDefault(z.boolean(), true),
      cancelled_reason: optional(longText(500)),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    readers: everyone,
  }),
  carpool_assignments: entity({
    indexes: ['carpool_offer_id', 'participant_id'],
    fields: {
      carpool_offer_id: ref('carpool_offers'),
      participant_id: ref('participants'),
      assigned_by: user(),
      trip_direction: withDefault(tripDirectionEnum, 'both'),
      notes: optional(longText(2000)),
    },
    naturalKey: null,
    readOnly: false,
    conflictStrategy: 'last-write-wins',
    readers: everyone,
  }),
} as const;

export type Entities = typeof ENTITIES;
export type EntityType = keyof Entities;

/** Every entity store name, in declaration order. */
export const ENTITY_TYPES = Object.keys(ENTITIES) as EntityType[];

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && Object.hasOwn(ENTITIES, value);
}

/** Columns every row carries besides its own fields; the server assigns all of them. */
export const SERVER_MANAGED_FIELDS = ['id', 'organization_id', 'created_at', 'updated_at'] as const;

/** One declared foreign key, as data. */
export interface ForeignKey {
  readonly entityType: EntityType;
  readonly field: string;
  readonly references: EntityType;
  readonly nullable: boolean;
  readonly soft: boolean;
  readonly onDelete: 'cascade' | 'set-null';
}

/** The foreign keys of one entity (fields of kind `ref`). */
export function foreignKeysOf(type: EntityType): ForeignKey[] {
  const fields = ENTITIES[type].fields as Record<string, FieldSpec>;
  return Object.entries(fields).flatMap(([field, spec]) =>
    spec.kind === 'ref'
      ? [
          {
            entityType: type,
            field,
            references: spec.references as EntityType,
            nullable: spec.nullable,
            soft: spec.soft ?? false,
            onDelete: spec.onDelete ?? 'cascade',
          },
        ]
      : [],
  );
}

/** Every declared foreign key of every entity. */
export const FOREIGN_KEYS: readonly ForeignKey[] = ENTITY_TYPES.flatMap(foreignKeysOf);

/** The fields naming a user, which default to the signed-in user. */
export function userFieldsOf(type: EntityType): string[] {
  const fields = ENTITIES[type].fields as Record<string, FieldSpec>;
  return Object.entries(fields)
    .filter(([, spec]) => spec.kind === 'user')
    .map(([field]) => field);
}

/** The user fields of an entity with how the server fills each from the session. */
export function authorFieldsOf(type: EntityType): { field: string; author: Authorship }[] {
  const fields = ENTITIES[type].fields as Record<string, FieldSpec>;
  return Object.entries(fields).flatMap(([field, spec]) =>
    spec.kind === 'user' ? [{ field, author: spec.author ?? 'creator' }] : [],
  );
}

/** The fields of an entity sealed at rest on a locked phone (empty for most entities). */
export function sensitiveFieldsOf(type: EntityType): readonly string[] {
  return (ENTITIES[type] as { readonly sensitive?: readonly string[] }).sensitive ?? [];
}

/** The entities that have fields sealed at rest. */
export const SEALED_ENTITY_TYPES: readonly EntityType[] = ENTITY_TYPES.filter(
  (type) => sensitiveFieldsOf(type).length > 0,
);

/** The field specs of an entity, untyped, for generic code (SQL, schema generation). */
export function fieldSpecsOf(type: EntityType): Record<string, FieldSpec> {
  return ENTITIES[type].fields as Record<string, FieldSpec>;
}
