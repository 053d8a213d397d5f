import { type Role, roleSchema, WampumsError } from '@wampums/schema';
import { errors, jwtVerify, SignJWT } from 'jose';

/** Who is calling: read from a verified token only. */
export interface Actor {
  userId: number;
  organizationId: number;
  role: Role;
}

const ISSUER = 'wampums';

/** Signs and verifies access tokens (HS256, expiring). */
export class TokenService {
  private readonly key: Uint8Array;
  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(actor: Actor): Promise<{ token: string; expiresAt: string }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.ttlSeconds;
    const token = await new SignJWT({ org: actor.organizationId, role: actor.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(actor.userId))
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The actor of a token; throws 401 `token_expired` or `unauthorized`. */
  async verify(token: string): Promise<Actor> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      const userId = Number(payload.sub);
      const organizationId = payload.org;
      const role = roleSchema.safeParse(payload.role);
      if (!Number.isInteger(userId) || typeof organizationId !== 'number' || !role.success) {
        throw new WampumsError('unauthorized', 'Invalid token');
      }
      return { userId, organizationId, role: role.data };
    } catch (error) {
      if (error instanceof WampumsError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new WampumsError('token_expired', 'The token has expired');
      throw new WampumsError('unauthorized', 'Invalid token');
    }
  }
}
