import { randomUUID } from 'node:crypto';
import { generateTempId } from '@wampums/schema';
import { hashPassword } from '../src/auth/passwords';
import { startTestServer, type TestServer, type TestServerOptions } from '../src/testing';

/** Every suite runs against both storage backends. */
export const BACKENDS = ['pglite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

// biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
export type Json = any;

/** A small HTTP client bound to one server and token. */
export function client(server: { apiUrl: string }, token?: string) {
  // A sync clientId belongs to one person: each client pushes with its own device id.
  const device = `test-device-${randomUUID()}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.apiUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json, headers: res.headers };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
    raw: call,
    push: (changes: unknown[], clientId = device) => call('POST', '/sync/push', { clientId, changes }),
    /**
     * Pulls every page from `cursor` (a snapshot without one); returns changes, the last cursor
     * and the number of requests. With `clientId`, that device's own pushed rows are left out.
     */
    async pullAll(cursor?: string, limit = 200, clientId?: string) {
      const changes: Json[] = [];
      let next = cursor;
      let requests = 0;
      for (;;) {
        requests += 1;
        const res = await call(
          'GET',
          `/sync/pull?limit=${limit}${next ? `&cursor=${encodeURIComponent(next)}` : ''}${
            clientId ? `&clientId=${encodeURIComponent(clientId)}` : ''
          }`,
        );
        if (res.status !== 200) throw new Error(`pull ${res.status} ${JSON.stringify(res.body)}`);
        changes.push(...res.body.data.changes);
        next = res.body.data.cursor;
        if (!res.body.data.hasMore) return { changes, cursor: next as string, requests };
      }
    },
    /**
     * Pulls from `cursor` until `done(changes)` holds. A pull shows only transactions older than
     * every one still running on the PostgreSQL server (other test files' included), so a change
     * just committed can take a moment to show; it is never skipped.
     */
    async pullUntil(
      cursor: string,
      done: (changes: Json[]) => boolean,
      limit = 200,
      timeoutMs = 20_000,
      clientId?: string,
    ) {
      const deadline = Date.now() + timeoutMs;
      let page = await this.pullAll(cursor, limit, clientId);
      const changes = [...page.changes];
      while (!done(changes) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        page = await this.pullAll(page.cursor, limit, clientId);
        changes.push(...page.changes);
      }
      return { changes, cursor: page.cursor };
    },
  };
}

export type Client = ReturnType<typeof client>;

/** A push change, filled like a device would fill it. */
export function change(
  entityType: string,
  operation: 'create' | 'update' | 'delete',
  fields: {
    entityId?: number | string;
    payload?: unknown;
    baseUpdatedAt?: string | null;
    dependencies?: unknown[];
  } = {},
) {
  const tempId =
    operation === 'create'
      ? typeof fields.entityId === 'string'
        ? fields.entityId
        : generateTempId()
      : null;
  return {
    correlationId: randomUUID(),
    entityType,
    operation,
    entityId: fields.entityId ?? tempId,
    tempId,
    timestamp: Date.now(),
    baseUpdatedAt: fields.baseUpdatedAt ?? null,
    payload: operation === 'delete' ? null : (fields.payload ?? {}),
    ...(fields.dependencies ? { dependencies: fields.dependencies } : {}),
  };
}

/** Starts one server per backend for a test file; PostgreSQL gets its own fresh database. */
export async function startFor(backend: Backend, options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ backend, ...options });
}

/** Creates a participant over REST and returns its row. */
export async function newParticipant(
  api: Client,
  first = 'Test',
  groupId: number | null = null,
): Promise<Json> {
  const res = await api.post('/participants', { first_name: first, last_name: 'Tester', group_id: groupId });
  if (res.status !== 201) throw new Error(`participant: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** A single-use live-stream ticket of `token` (`POST /sync/events/ticket`). */
export async function ticketFor(apiUrl: string, token: string): Promise<string> {
  const res = await fetch(`${apiUrl}/sync/events/ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`ticket: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { ticket: string } }).data.ticket;
}

/** A member of pack A of the demo made for one test, so that changing them leaves the others alone. */
export async function newMember(
  server: TestServer,
  email: string,
  role = 'leader',
  password = 'first-password',
) {
  const [org] = await server.database.query<{ id: number }>(
    "SELECT organization_id AS id FROM users WHERE email = 'admin@pack-a.test'",
  );
  const [row] = await server.database.query<{ id: number }>(
    `INSERT INTO users (organization_id, email, name, role, password_hash) VALUES ($1, $2, 'Temp', $3, $4) RETURNING id`,
    [org?.id, email, role, await hashPassword(password)],
  );
  return { id: row?.id as number, token: await server.login(email, password) };
}

export const HOOK_TIMEOUT = 120_000;
