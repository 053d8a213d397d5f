import { loginRequestSchema, WampumsError } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { parseOrThrow } from '../errors';
import { tokenOf, verifiedSession } from './guard';
import {
  clearLoginFailures,
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottleLimits,
  loginWait,
  recordLoginFailure,
  throttledError,
} from './login-throttle';
import { DUMMY_HASH, verifyPassword } from './passwords';
import { endSession, openSession, SESSION_TTL_SECONDS } from './sessions';
import { unitKeyOf } from './unit-key';

interface UserRow {
  id: number;
  name: string;
  email: string;
  role: 'admin' | 'leader' | 'viewer';
  organization_id: number;
  password_hash: string;
  org_name: string;
  org_locale: string;
  org_time_zone: string;
}

const USER_QUERY = `SELECT u.id, u.name, u.email, u.role, u.organization_id, u.password_hash,
  o.name AS org_name, o.locale AS org_locale, o.time_zone AS org_time_zone
  FROM users u JOIN organizations o ON o.id = u.organization_id`;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * The login (and refresh) answer: a token of session `sessionId`, which never outlives the
 * session's end, the instant from which it may be refreshed (its last quarter), and the
 * organization so the app can pick its language.
 */
async function sessionAnswer(ctx: AppContext, user: UserRow, session: { id: string; expiresAt: Date }) {
  const actor = { userId: user.id, organizationId: user.organization_id, role: user.role };
  const signed = await ctx.tokens.sign(actor, session.id, session.expiresAt);
  const refreshAfter = signed.expiresAt - Math.floor((signed.expiresAt - signed.issuedAt) / 4);
  return {
    data: {
      token: signed.token,
      expiresAt: iso(signed.expiresAt),
      sessionExpiresAt: session.expiresAt.toISOString(),
      refreshAfter: iso(refreshAfter),
      unitKey: unitKeyOf(ctx.config.jwtSecret, user.organization_id),
      user: {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        organizationId: user.organization_id,
      },
      // timeZone: the IANA zone of the unit's clock, in which medication times are read.
      organization: {
        id: user.organization_id,
        name: user.org_name,
        locale: user.org_locale,
        timeZone: user.org_time_zone,
      },
    },
  };
}

/** The sign-in throttle's limits, or `null` when it is off. */
function throttleOf(ctx: AppContext): LoginThrottleLimits | null {
  const setting = ctx.config.loginThrottle;
  if (setting === false) return null;
  return { ...DEFAULT_LOGIN_THROTTLE, ...(setting ?? {}) };
}

/** `POST /auth/login`, `POST /auth/refresh` and `POST /auth/signout` (docs/server.md, "Sessions"). */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const throttle = throttleOf(ctx);

  // The general rate limit does not apply: sign-ins have their own, stored budget per email and address.
  app.post('/auth/login', { config: { rateLimit: false } }, async (request, reply) => {
    const { email, password } = parseOrThrow(loginRequestSchema, request.body, 'login');
    if (throttle) {
      const wait = await loginWait(ctx.db, throttle, email, request.ip);
      if (wait > 0) {
        reply.header('Retry-After', String(wait));
        throw throttledError(wait);
      }
    }
    const [user] = await ctx.db.query<UserRow>(`${USER_QUERY} WHERE u.email = $1`, [email]);
    // The same work and the same answer whether or not the email exists.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) {
      if (throttle) await recordLoginFailure(ctx.db, throttle, email, request.ip);
      throw new WampumsError('invalid_credentials', 'Wrong email or password');
    }
    if (throttle) await clearLoginFailures(ctx.db, email);
    const session = await openSession(
      ctx.db,
      { userId: user.id, organizationId: user.organization_id },
      ctx.config.sessionTtlSeconds ?? SESSION_TTL_SECONDS,
    );
    return sessionAnswer(ctx, user, session);
  });

  // A new token of the same session, only in the current token's last quarter: refreshing early
  // gains nothing, and the session's absolute end bounds every token anyway.
  app.post('/auth/refresh', async (request) => {
    const { token, session } = await verifiedSession(request, ctx);
    const refreshAfter = token.expiresAt - Math.floor((token.expiresAt - token.issuedAt) / 4);
    if (Date.now() / 1000 < refreshAfter) {
      throw new WampumsError('refresh_too_early', 'The token is refreshed in its last quarter', {
        refreshAfter: iso(refreshAfter),
      });
    }
    const [user] = await ctx.db.query<UserRow>(`${USER_QUERY} WHERE u.id = $1 AND u.organization_id = $2`, [
      token.actor.userId,
      token.actor.organizationId,
    ]);
    if (!user)
      throw new WampumsError('session_revoked', 'The account no longer exists', { reason: 'user_deleted' });
    return sessionAnswer(ctx, user, { id: token.sessionId, expiresAt: session.expiresAt });
  });

  // Ends the token's session for good. Idempotent: a session already ended (or a token already
  // expired, as long as it is genuine) answers the same.
  app.post('/auth/signout', async (request, reply) => {
    const raw = tokenOf(request);
    if (!raw) throw new WampumsError('unauthorized', 'Missing bearer token');
    const token = await ctx.tokens.verify(raw, { acceptExpired: true });
    await endSession(ctx.db, token.sessionId, 'signed_out');
    return reply.status(200).send({ data: { signedOut: true } });
  });
}
