import { loginRequestSchema, WampumsError } from '@wampums/schema';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context';
import { parseOrThrow } from '../errors';
import { authenticate } from './guard';
import { DUMMY_HASH, verifyPassword } from './passwords';

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

/** The login answer, extended with the organization so the app can pick its language. */
async function session(ctx: AppContext, user: UserRow) {
  const { token, expiresAt } = await ctx.tokens.sign({
    userId: user.id,
    organizationId: user.organization_id,
    role: user.role,
  });
  return {
    data: {
      token,
      expiresAt,
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

/** `POST /auth/login` and `POST /auth/refresh`. */
export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/auth/login', async (request) => {
    const { email, password } = parseOrThrow(loginRequestSchema, request.body, 'login');
    const [user] = await ctx.db.query<UserRow>(`${USER_QUERY} WHERE u.email = $1`, [email]);
    // The same work and the same answer whether or not the email exists.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok) throw new WampumsError('invalid_credentials', 'Wrong email or password');
    return session(ctx, user);
  });

  app.post('/auth/refresh', async (request) => {
    const actor = await authenticate(request, ctx.tokens);
    const [user] = await ctx.db.query<UserRow>(`${USER_QUERY} WHERE u.id = $1 AND u.organization_id = $2`, [
      actor.userId,
      actor.organizationId,
    ]);
    if (!user) throw new WampumsError('unauthorized', 'The account no longer exists');
    return session(ctx, user);
  });
}
