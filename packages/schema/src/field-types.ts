import { z } from 'zod';
import { TEMP_ID_PATTERN } from './temp-id';

/**
 * Building blocks for entity fields. Every text field has a maximum length so that a
 * hostile payload is refused at the boundary instead of reaching storage.
 */

/** A server-assigned id: a positive 32-bit integer (PostgreSQL `integer`). */
export const serverId = z.number().int().positive().max(2_147_483_647);

/** A temp id in the seed's format, assigned by a client to a record created offline. */
export const tempIdSchema = z
  .string()
  .regex(TEMP_ID_PATTERN, 'expected a temp id temp_{timestamp}_{6 chars}');

/** A reference to another record: its server id, or its temp id while the parent is unsynced. */
export const idRef = z.union([serverId, tempIdSchema]);

export const shortText = (max = 200) => z.string().trim().min(1).max(max);
export const longText = (max = 5000) => z.string().max(max);

/** A calendar date `YYYY-MM-DD`. */
export const isoDate = z.iso.date();
/** A time of day `HH:MM` (seconds optional). */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'expected HH:MM');
/** An instant, ISO-8601 with an offset (the server answers in UTC with milliseconds). */
export const isoInstant = z.iso.datetime({ offset: true });

export const sectionEnum = z.enum(['general', 'beavers', 'cubs', 'scouts', 'venturers', 'rovers']);
export const attendanceStatusEnum = z.enum(['present', 'absent', 'late', 'excused']);
export const badgeStatusEnum = z.enum(['pending', 'approved', 'rejected']);
export const distributionStatusEnum = z.enum(['scheduled', 'given', 'missed', 'cancelled']);
export const tripDirectionEnum = z.enum(['both', 'to_activity', 'from_activity']);

export type Section = z.infer<typeof sectionEnum>;
export type AttendanceStatus = z.infer<typeof attendanceStatusEnum>;
export type BadgeStatus = z.infer<typeof badgeStatusEnum>;
export type DistributionStatus = z.infer<typeof distributionStatusEnum>;
export type TripDirection = z.infer<typeof tripDirectionEnum>;
