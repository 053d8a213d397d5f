import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ServerConfig } from './config';
import type { Database } from './db/database';
import { DEMO_PASSWORD } from './seed/demo';
import { type RunningServer, startServer } from './server';

/** The PostgreSQL server tests use (a fresh database is created on it per test file). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Creates a fresh database on TEST_DATABASE_URL's server. A server that cannot be reached
 * rejects: tests that need PostgreSQL fail, they are never skipped.
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wampums_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface TestServerOptions {
  backend?: 'pglite' | 'postgres';
  /** Demo organizations and accounts (default true). */
  seedDemo?: boolean;
  /** Run on this PostgreSQL database instead of a fresh one (it is then not dropped). */
  databaseUrl?: string;
  rateLimit?: false | { max: number; timeWindow: number };
  pwaDir?: string | null;
  limits?: { maxChanges?: number; maxBytes?: number };
  /** Token and cursor secret; instances sharing a database must share it. */
  jwtSecret?: string;
  heartbeatMs?: number;
  /** Sessions and sign-in settings (docs/server.md, "Sessions"); the throttle is on by default. */
  tokenTtlSeconds?: number;
  sessionTtlSeconds?: number;
  previousJwtSecret?: { secret: string; until: Date };
  loginThrottle?: ServerConfig['loginThrottle'];
  trustProxy?: boolean | string;
  /** Log level (default `LOG_LEVEL` or silent) and where the lines go. */
  logLevel?: string;
  logStream?: { write(line: string): void };
  /** Pool size and timeouts of the database (`db/busy.ts`). */
  database?: ServerConfig['database'];
  /** Each organization's and user's share of the work (`load/limits.ts`). */
  load?: ServerConfig['load'];
}

export interface TestServer {
  url: string;
  apiUrl: string;
  databaseUrl?: string;
  database: Database;
  /** The instance's live streams and push admission (`RunningServer`). */
  liveStreams: RunningServer['liveStreams'];
  admission: RunningServer['admission'];
  /** Logs in (password `offline-first` by default) and returns the token. */
  login(email: string, password?: string): Promise<string>;
  /** Stops the server and drops the database it created. */
  close(): Promise<void>;
}

/** The secret every test server shares unless told otherwise. */
export const TEST_JWT_SECRET = 'wampums-test-secret-not-for-production';

/** Starts a server for tests on port 0: PGlite in memory (default) or a fresh PostgreSQL database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const backend = options.databaseUrl ? 'postgres' : (options.backend ?? 'pglite');
  const created = backend === 'postgres' && !options.databaseUrl ? await createTestDatabase() : null;
  const databaseUrl = options.databaseUrl ?? created?.url;
  try {
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      ...(databaseUrl ? { databaseUrl } : {}),
      seedDemo: options.seedDemo ?? true,
      jwtSecret: options.jwtSecret ?? TEST_JWT_SECRET,
      rateLimit: options.rateLimit ?? false,
      // Short, so that tests of slow bodies do not wait half a minute.
      requestTimeoutMs: 8_000,
      ...(options.limits ? { limits: options.limits } : {}),
      pwaDir: options.pwaDir ?? null,
      logLevel: options.logLevel ?? process.env.LOG_LEVEL ?? 'silent',
      ...(options.logStream ? { logStream: options.logStream } : {}),
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.tokenTtlSeconds ? { tokenTtlSeconds: options.tokenTtlSeconds } : {}),
      ...(options.sessionTtlSeconds ? { sessionTtlSeconds: options.sessionTtlSeconds } : {}),
      ...(options.previousJwtSecret ? { previousJwtSecret: options.previousJwtSecret } : {}),
      ...(options.loginThrottle !== undefined ? { loginThrottle: options.loginThrottle } : {}),
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
      ...(options.database ? { database: options.database } : {}),
      ...(options.load ? { load: options.load } : {}),
    });
    const apiUrl = `${server.url}/api/v1`;
    return {
      url: server.url,
      apiUrl,
      ...(databaseUrl ? { databaseUrl } : {}),
      database: server.database,
      liveStreams: server.liveStreams,
      admission: server.admission,
      async login(email, password = DEMO_PASSWORD) {
        const res = await fetch(`${apiUrl}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        });
        if (!res.ok) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`);
        const body = (await res.json()) as { data: { token: string } };
        return body.data.token;
      },
      async close() {
        try {
          await server.close();
        } finally {
          await created?.drop();
        }
      },
    };
  } catch (error) {
    await created?.drop().catch(() => {});
    throw error;
  }
}
