import type { StoredRecord } from '@wampums/client';
import { isTempId } from '@wampums/schema';

/** A participant as the screens use it. */
export interface Person extends StoredRecord {
  first_name: string;
  last_name: string;
  group_id: number | string | null;
}

/** "First Last" of a participant, or a dash when unknown (not pulled yet). */
export function fullName(p: StoredRecord | undefined): string {
  if (!p) return '—';
  return `${String(p.first_name ?? '')} ${String(p.last_name ?? '')}`.trim();
}

/** Sorts participants by last name, then first name, the way roll calls are read. */
export function byName(a: StoredRecord, b: StoredRecord): number {
  return (
    String(a.last_name ?? '').localeCompare(String(b.last_name ?? '')) ||
    String(a.first_name ?? '').localeCompare(String(b.first_name ?? ''))
  );
}

/** Lower-case text without accents, so "heloise" finds "Héloïse". */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** True when the record exists only on this device so far. */
export function isUnsynced(record: StoredRecord): boolean {
  return isTempId(record.id);
}

/** Same id, whether numbers or temp-id strings. */
export function sameId(a: unknown, b: unknown): boolean {
  return a !== null && a !== undefined && String(a) === String(b);
}
