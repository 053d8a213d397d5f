import { SESSION_END_REASONS, type SessionEndReason } from '@wampums/schema';

/**
 * Why the server ended the session, from a sync error: a 401 `session_revoked` carries the
 * reason (docs/sync-protocol.md, "Sessions"), shown so the person knows why to sign in again.
 * `null` for any other error (an expired token is simply refreshed or signed in again).
 */
export function sessionEndOf(error: unknown): SessionEndReason | null {
  const details = (error as { details?: { wireCode?: unknown; details?: { reason?: unknown } } } | null)
    ?.details;
  if (details?.wireCode !== 'session_revoked') return null;
  const reason = details.details?.reason;
  return SESSION_END_REASONS.includes(reason as SessionEndReason) ? (reason as SessionEndReason) : 'expired';
}
