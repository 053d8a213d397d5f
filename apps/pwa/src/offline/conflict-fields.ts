import { type ConflictRecord, fieldNamesOf, jsonEqual } from '@wampums/schema';

/** One field of a conflict, as the two sides have it. */
export interface ConflictField {
  field: string;
  local: unknown;
  server: unknown;
}

/**
 * The fields a person must look at: the ones this device changed, and the ones the server holds
 * differently from what this device last saw. Server-managed columns are left out.
 */
export function conflictFields(conflict: ConflictRecord): ConflictField[] {
  const local = conflict.localVersion ?? {};
  const server = conflict.serverVersion ?? {};
  const base = conflict.baseVersion;
  return fieldNamesOf(conflict.entityType)
    .filter((field) => {
      const changedHere = field in local && (!base || !jsonEqual(base[field], local[field]));
      const changedThere = base !== null && !jsonEqual(base[field], server[field]);
      return changedHere || changedThere;
    })
    .map((field) => ({
      field,
      local: field in local ? local[field] : base && field in base ? base[field] : server[field],
      server: server[field],
    }));
}

/** A field value as text for the inbox (lists joined, empty as a dash). */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}
