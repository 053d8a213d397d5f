import { createHash, randomBytes } from 'node:crypto';
import { type Role, roleSchema, type SessionEndReason, WampumsError } from '@wampums/schema';
import type { Queryable } from '../db/database';
import type { Actor } from './tokens';

/**
 * Server sessions (docs/server.md, "Sessions"). A sign-in opens one with an absolute end (14
 * days by default) that no refresh passes; every request checks it with one indexed read, so a
 * sign-out, or a password, role or organization change or removal of the user (the trigger of
 * migration 005), refuses the session's tokens at once: 401 `session_revoked`, with the reason.
 */

/** The default absolute lifetime of a session, in seconds. */
export const SESSION_TTL_SECONDS = 14 * 86_400;

/** Opens a session for `user`; returns its id and absolute end. */
export async function openSession(
  db: Queryable,
  user: { userId: number; organizationId: number },
  ttlSeconds: number,
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(18).toString('base64url');
  const [row] = await db.query<{ expires_at: Date | string }>(
    `INSERT INTO auth_sessions (id, user_id, organization_id, expires_at)
     VALUES ($1, $2, $3, date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $4))
     RETURNING expires_at`,
    [id, user.userId, user.organizationId, ttlSeconds],
  );
  return { id, expiresAt: new Date(row?.expires_at as string) };
}

/** A session as a request sees it: still open, with the user's current role and its end. */
export interface OpenSession {
  role: Role;
  expiresAt: Date;
}

function ended(reason: SessionEndReason): WampumsError {
  return new WampumsError('session_revoked', `The session has ended (${reason}): sign in again`, { reason });
}

/**
 * The open session `sessionId` of `actor`, or a thrown 401 `session_revoked` naming why it ended.
 * One read: the session joined with the user, whose current role it returns.
 */
export async function requireOpenSession(
  db: Queryable,
  actor: Actor,
  sessionId: string,
): Promise<OpenSession> {
  const [row] = await db.query<{
    expires_at: Date | string;
    expired: boolean;
    revoke_reason: string | null;
    revoked: boolean;
    role: string | null;
  }>(
    `SELECT s.expires_at, s.expires_at <= clock_timestamp() AS expired, s.revoked_at IS NOT NULL AS revoked,
       s.revoke_reason, u.role
     FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id AND u.organization_id = s.organization_id
     WHERE s.id = $1 AND s.user_id = $2 AND s.organization_id = $3`,
    [sessionId, actor.userId, actor.organizationId],
  );
  // A session pruned away ended long ago.
  if (!row) throw ended('expired');
  if (row.revoked) throw ended((row.revoke_reason as SessionEndReason | null) ?? 'signed_out');
  if (row.expired) throw ended('expired');
  const role = roleSchema.safeParse(row.role);
  if (!role.success) throw ended('user_deleted');
  return { role: role.data, expiresAt: new Date(row.expires_at) };
}

/** Ends a session (sign-out). Ending one already ended changes nothing: sign-out is idempotent. */
export async function endSession(db: Queryable, sessionId: string, reason: SessionEndReason): Promise<void> {
  await db.query(
    `UPDATE auth_sessions SET revoked_at = date_trunc('milliseconds', clock_timestamp()), revoke_reason = $2
     WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId, reason],
  );
}

/** True while `sessionId` is open (a live stream checks it at each heartbeat). */
export async function isSessionOpen(db: Queryable, sessionId: string): Promise<boolean> {
  const [row] = await db.query<{ open: boolean }>(
    `SELECT s.revoked_at IS NULL AND s.expires_at > clock_timestamp() AND u.id IS NOT NULL AS open
     FROM auth_sessions s LEFT JOIN users u ON u.id = s.user_id AND u.organization_id = s.organization_id
     WHERE s.id = $1`,
    [sessionId],
  );
  return row?.open === true;
}

/** How long a live-stream ticket may wait to be used. */
export const TICKET_TTL_SECONDS = 60;

const hashOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

/**
 * A single-use ticket that opens one live stream of `sessionId` (`GET /sync/events?ticket=`):
 * a stream URL lands in access logs, so it carries this instead of a token. Only its hash is kept.
 */
export async function issueTicket(
  db: Queryable,
  sessionId: string,
): Promise<{ ticket: string; expiresAt: string }> {
  const ticket = randomBytes(24).toString('base64url');
  const [row] = await db.query<{ expires_at: Date | string }>(
    `INSERT INTO live_tickets (ticket_hash, session_id, expires_at)
     VALUES ($1, $2, date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $3)) RETURNING expires_at`,
    [hashOf(ticket), sessionId, TICKET_TTL_SECONDS],
  );
  return { ticket, expiresAt: new Date(row?.expires_at as string).toISOString() };
}

/** Takes a ticket (it cannot be used again) and returns its session and user; 401 `invalid_ticket`. */
export async function takeTicket(
  db: Queryable,
  ticket: string,
): Promise<{ sessionId: string; userId: number; organizationId: number }> {
  const [row] = await db.query<{ session_id: string; user_id: number; organization_id: number }>(
    `WITH taken AS (
       DELETE FROM live_tickets WHERE ticket_hash = $1 RETURNING session_id, expires_at
     )
     SELECT t.session_id, s.user_id, s.organization_id FROM taken t
     JOIN auth_sessions s ON s.id = t.session_id
     WHERE t.expires_at > clock_timestamp()`,
    [hashOf(ticket)],
  );
  if (!row) throw new WampumsError('invalid_ticket', 'The live-stream ticket is unknown, used or expired');
  return { sessionId: row.session_id, userId: row.user_id, organizationId: row.organization_id };
}
