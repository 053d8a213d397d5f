import { API_BASE } from '@wampums/schema';
import type { SessionMember } from './session';

function isMember(value: unknown): value is SessionMember {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.id === 'number' && typeof m.name === 'string' && typeof m.role === 'string';
}

/**
 * The people of the signed-in organization (`GET /members`: id, name, role), or `null` when the
 * network or the server cannot answer now; the caller keeps what it had.
 */
export async function fetchMembers(baseUrl: string, token: string): Promise<SessionMember[] | null> {
  try {
    const response = await fetch(`${baseUrl}${API_BASE}/members`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) return null;
    const body = (await response.json()) as { data?: unknown };
    if (!Array.isArray(body.data)) return null;
    return body.data.filter(isMember).map(({ id, name, role }) => ({ id, name, role }));
  } catch {
    return null;
  }
}
