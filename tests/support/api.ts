import { API_BASE, type EntityType, pullResponseSchema } from '@wampums/schema';

/** A signed-in account. */
export interface Session {
  token: string;
  user: { id: number; organizationId: number; role: string; email: string };
}

/** `POST /auth/login` straight to the server (no faults). */
export async function login(baseUrl: string, email: string, password = 'offline-first'): Promise<Session> {
  const res = await fetch(`${baseUrl}${API_BASE}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: { token: string; user: Session['user'] } };
  return { token: body.data.token, user: body.data.user };
}

/** A JSON API call; answers the status and the parsed body (or the raw text when it is not JSON). */
export async function api(
  baseUrl: string,
  path: string,
  init: { method?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; text: string }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let payload: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  }
  const res = await fetch(`${baseUrl}${API_BASE}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(payload === undefined ? {} : { body: payload }),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, text };
}

export type Snapshot = Record<EntityType, Record<string, unknown>[]>;

/** The organization's whole state as the server hands it out: a full pull, every page. */
export async function pullSnapshot(baseUrl: string, token: string): Promise<Snapshot> {
  const out = {} as Snapshot;
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const query = new URLSearchParams({ limit: '1000' });
    if (cursor) query.set('cursor', cursor);
    const res = await api(baseUrl, `/sync/pull?${query}`, { token });
    if (res.status !== 200) throw new Error(`pull: ${res.status} ${res.text}`);
    const data = pullResponseSchema.parse(res.body).data;
    for (const change of data.changes) {
      out[change.entityType] ??= [];
      const rows = out[change.entityType];
      const at = rows.findIndex((r) => r.id === change.id);
      if (at >= 0) rows.splice(at, 1);
      if (change.op === 'upsert') rows.push(change.entity);
    }
    cursor = data.cursor;
    if (!data.hasMore) return out;
  }
  throw new Error('pull did not end');
}
