import { API_BASE, isTimeZone, loginResponseSchema } from '@wampums/schema';
import type { AppSession, SessionOrganization } from './session';

/** Why a sign-in failed, as the login screen tells it. */
export type SignInFailure = 'invalid_credentials' | 'offline' | 'server_error' | 'other_organization';

/** A failed sign-in; match by `name` and `reason`. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(readonly reason: SignInFailure) {
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
  if (!response.ok) throw new SignInError('server_error');
  const body = (await response.json()) as { data?: { organization?: unknown } };
  const parsed = loginResponseSchema.safeParse(body);
  if (!parsed.success) throw new SignInError('server_error');
  const { token, expiresAt, user } = parsed.data.data;
  return { token, expiresAt, user, organization: parseOrganization(body.data?.organization) };
}

/** Signs in with email and password. */
export function signIn(baseUrl: string, email: string, password: string): Promise<AppSession> {
  return postAuth(baseUrl, '/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
}

/** Trades a valid token for a fresh one; keeps the organization of `session` if the answer lacks it. */
export async function refreshSession(baseUrl: string, session: AppSession): Promise<AppSession> {
  const next = await postAuth(baseUrl, '/auth/refresh', {
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  return { ...next, organization: next.organization ?? session.organization };
}
