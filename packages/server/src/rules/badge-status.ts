import { WampumsError } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
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

const DECISIONS: readonly unknown[] = ['approved', 'rejected'];

/**
 * Approving or rejecting badge progress is an admin's act, and so is any change to an approved
 * level. A leader's (or viewer's) write that sets the status to `approved`/`rejected`, or that
 * updates or deletes an approved row, is refused with `forbidden`, whatever its base: a refusal
 * rather than a conflict, since no retry by that person could succeed.
 *
 * @param current the row before the write (`null` for a create)
 * @param next the created values or the update's patch (`null` for a delete)
 */
export function assertMayDecideBadge(actor: Actor, current: Row | null, next: Row | null): void {
  if (actor.role === 'admin') return;
  if (current?.status === 'approved') {
    throw new WampumsError('forbidden', 'Only an admin can change an approved badge level');
  }
  if (next && DECISIONS.includes(next.status) && next.status !== current?.status) {
    throw new WampumsError('forbidden', 'Only an admin can approve or reject badge progress');
  }
}
