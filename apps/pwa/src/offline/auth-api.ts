import { API_BASE, isTimeZone, loginResponseSchema } from '@wampums/schema';
import type { AppSession, SessionOrganization } from './session';

/** Why a sign-in failed, as the login screen tells it. */
export type SignInFailure =
  | 'invalid_credentials'
  | 'offline'
  | 'server_error'
  | 'other_organization'
  | 'throttled'
  | 'sealed_offline';

/** A failed sign-in; match by `name` and `reason`. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly reason: SignInFailure,
    /** For `throttled`: when sign-ins are accepted again (Unix ms, from `Retry-After`). */
    readonly retryAt: number | null = null,
  ) {
    super(`sign-in failed: ${reason}`);
  }
}

function parseOrganization(value: unknown): SessionOrganization | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.id !== 'number' || typeof o.name !== 'string') return null;
  return {
    id: o.id,
    name: o.name,
    locale: typeof o.locale === 'string' ? o.locale : 'fr',
    ...(isTimeZone(o.timeZone) ? { timeZone: o.timeZone } : {}),
  };
}

async function postAuth(baseUrl: string, path: string, init: RequestInit): Promise<AppSession> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${API_BASE}${path}`, { ...init, method: 'POST' });
  } catch {
    throw new SignInError('offline');
  }
  if (response.status === 401) throw new SignInError('invalid_credentials');
  if (response.status === 429) {
    // 429 `login_throttled` (docs/server.md, "Sign-in throttling"): Retry-After in seconds.
    const wait = Number(response.headers.get('retry-after'));
    throw new SignInError('throttled', Date.now() + (Number.isFinite(wait) && wait > 0 ? wait : 60) * 1000);
  }
  if (!response.ok) throw new SignInError('server_error');
  const body = (await response.json()) as { data?: { organization?: unknown } };
  const parsed = loginResponseSchema.safeParse(body);
  if (!parsed.success) throw new SignInError('server_error');
  const { token, expiresAt, user, unitKey } = parsed.data.data;
  return {
    token,
    expiresAt,
    obtainedAt: Date.now(),
    user,
    ...(unitKey ? { unitKey } : {}),
    organization: parseOrganization(body.data?.organization),
  };
}

/** Signs in with email and password. */
export function signIn(baseUrl: string, email: string, password: string): Promise<AppSession> {
  return postAuth(baseUrl, '/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** Trades a valid token for a fresh one; keeps the organization of `session` if the answer lacks it. */
export async function refreshSession(
  baseUrl: string,
  session: AppSession & { token: string },
): Promise<AppSession> {
  const next = await postAuth(baseUrl, '/auth/refresh', {
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { ...next, organization: next.organization ?? session.organization };
}

/**
 * Ends a session on the server (`POST /auth/signout`). `true` when it is over there: ended now,
 * already invalid (401), or a server without the route (404). `false` when it could not be
 * told (no network, server error): the caller tries again later.
 */
export async function revokeToken(baseUrl: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}${API_BASE}/auth/signout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    return response.ok || response.status === 401 || response.status === 404;
  } catch {
    return false;
  }
}
