import { z } from 'zod';

/** The roles of a user in an organization (`docs/sync-protocol.md`, Auth). */
export const roleSchema = z.enum(['admin', 'leader', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

/** Every role. */
export const ROLES: readonly Role[] = roleSchema.options;
/** The roles that run the unit: they write, and read everything of their organization. */
export const STAFF: readonly Role[] = ['admin', 'leader'];

/** Whether a role may change records: a viewer only reads (the server refuses with `forbidden`). */
export function canChangeRecords(role: Role): boolean {
  return role !== 'viewer';
}
