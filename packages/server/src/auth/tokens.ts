import { createHash } from 'node:crypto';
import { type Role, roleSchema, WampumsError } from '@wampums/schema';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';

/** Who is calling: read from a verified token only. */
export interface Actor {
  userId: number;
  organizationId: number;
  role: Role;
  /** The session the token belongs to (the standalone server's tokens; docs/server.md, "Sessions"). */
  sessionId?: string;
}

/** A verified token: its actor, session and lifetime (seconds since the epoch). */
export interface VerifiedToken {
  actor: Actor;
  sessionId: string;
  issuedAt: number;
  expiresAt: number;
}

/** A signing secret accepted for verification only, until `until` (key rotation). */
export interface PreviousSecret {
  secret: string;
  until: Date;
}

const ISSUER = 'wampums';

interface Key {
  kid: string;
  key: Uint8Array;
  /** After this instant (ms) the key no longer verifies; `null` for the current key. */
  until: number | null;
}

/** The key id of a secret: a short hash, so a token names its key without revealing it. */
function keyOf(secret: string, until: number | null): Key {
  const kid = createHash('sha256').update(`wampums-kid:${secret}`).digest('base64url').slice(0, 12);
  return { kid, key: new TextEncoder().encode(secret), until };
}

/**
 * Signs and verifies access tokens (HS256, expiring, each naming its session in `sid` and its
 * key in the `kid` header). The current secret signs; a previous one (`JWT_PREVIOUS_SECRET`)
 * still verifies until its end date, so a secret can rotate without signing everyone out.
 */
export class TokenService {
  private readonly current: Key;
  private readonly keys = new Map<string, Key>();
  constructor(
    secret: string,
    readonly ttlSeconds: number,
    previous: PreviousSecret | null = null,
  ) {
    this.current = keyOf(secret, null);
    this.keys.set(this.current.kid, this.current);
    if (previous && previous.secret !== secret) {
      const old = keyOf(previous.secret, previous.until.getTime());
      this.keys.set(old.kid, old);
    }
  }

  /** A token of `actor` in session `sessionId`, never outliving the session's end. */
  async sign(
    actor: Actor,
    sessionId: string,
    sessionEnd: Date,
  ): Promise<{ token: string; issuedAt: number; expiresAt: number }> {
    const now = Math.floor(Date.now() / 1000);
    const exp = Math.max(now + 1, Math.min(now + this.ttlSeconds, Math.floor(sessionEnd.getTime() / 1000)));
    const token = await new SignJWT({ org: actor.organizationId, role: actor.role, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256', kid: this.current.kid })
      .setSubject(String(actor.userId))
      .setIssuer(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.current.key);
    return { token, issuedAt: now, expiresAt: exp };
  }

  /**
   * The verified content of a token; throws 401 `token_expired` or `unauthorized`. With
   * `acceptExpired` (sign-out only) an expired but genuine token still names its session.
   */
  async verify(token: string, options: { acceptExpired?: boolean } = {}): Promise<VerifiedToken> {
    try {
      // A token without a key id is checked against the current key (it still needs a session).
      const { kid } = decodeProtectedHeader(token);
      const key = kid === undefined ? this.current : typeof kid === 'string' ? this.keys.get(kid) : undefined;
      if (!key || (key.until !== null && Date.now() > key.until)) {
        throw new WampumsError('unauthorized', 'Invalid token');
      }
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        ...(options.acceptExpired ? { clockTolerance: 400 * 86_400 } : {}),
      });
      const userId = Number(payload.sub);
      const organizationId = payload.org;
      const role = roleSchema.safeParse(payload.role);
      const sessionId = payload.sid;
      if (
        !Number.isInteger(userId) ||
        typeof organizationId !== 'number' ||
        !role.success ||
        typeof sessionId !== 'string' ||
        typeof payload.iat !== 'number' ||
        typeof payload.exp !== 'number'
      ) {
        throw new WampumsError('unauthorized', 'Invalid token');
      }
      return {
        actor: { userId, organizationId, role: role.data, sessionId },
        sessionId,
        issuedAt: payload.iat,
        expiresAt: payload.exp,
      };
    } catch (error) {
      if (error instanceof WampumsError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new WampumsError('token_expired', 'The token has expired');
      throw new WampumsError('unauthorized', 'Invalid token');
    }
  }
}
