import type { Row } from '../entities/rows';

/**
 * An approved badge level is never lost to a stale write. A write based on an older version
 * is already a conflict; this covers writes that say nothing about their base (no
 * `baseUpdatedAt`): they may not take an approved row back to another status, nor delete it.
 * A write based on the current version is a deliberate decision and goes through.
 */
export function losesApproval(current: Row, patch: Row | null, baseUpdatedAt: string | null): boolean {
  if (current.status !== 'approved' || baseUpdatedAt !== null) return false;
  if (patch === null) return true; // a delete
  return patch.status !== undefined && patch.status !== 'approved';
}
