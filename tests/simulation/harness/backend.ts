import { randomBytes } from 'node:crypto';
import { createTestDatabase, startTestServer } from '@wampums/server/testing';
import pg from 'pg';
import { freePort } from '../../support/free-port';
import { ServerProcess } from '../../support/server-process';
import type { Sql } from '../../support/sql';

/** The server the devices talk to, and a way to read what it stored. */
export interface SimBackend {
  readonly name: 'postgres' | 'pglite';
  readonly url: string;
  /** Whether the server runs as a child process that can be killed mid-request. */
  readonly killable: boolean;
  readonly sql: Sql;
  kill(): Promise<void>;
  /** Starts the server again after a kill (no-op while it runs). */
  ensureRunning(): Promise<void>;
  readonly kills: number;
  readonly restartTimes: number[];
  close(): Promise<void>;
}

/**
 * PostgreSQL: `packages/server/src/main.ts` in a child process on a fresh database, killed with
 * SIGKILL and restarted on the same database and port by `server-kill` faults. Its rate limit
 * is off: 429 answers come from the fault proxy, where the scenario decides them.
 */
export async function startPostgresBackend(): Promise<SimBackend> {
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const server = new ServerProcess({
    port: await freePort(),
    databaseUrl: database.url,
    jwtSecret: randomBytes(24).toString('base64url'),
    seedDemo: true,
    env: { RATE_LIMIT_MAX: '0', PWA_DIR: '' },
  });
  try {
    await server.start();
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  return {
    name: 'postgres',
    url: server.url,
    killable: true,
    sql: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    kill: () => server.kill(),
    async ensureRunning() {
      if (!server.running) await server.start();
    },
    get kills() {
      return server.kills;
    },
    get restartTimes() {
      return server.startTimes.slice(1);
    },
    async close() {
      await server.stop();
      await pool.end();
      await database.drop();
    },
  };
}

/** PGlite: the server in this process on an embedded in-memory database (no kills). */
export async function startPgliteBackend(): Promise<SimBackend> {
  const server = await startTestServer({ backend: 'pglite', seedDemo: true, rateLimit: false });
  return {
    name: 'pglite',
    url: server.url,
    killable: false,
    sql: (text, params) => server.database.query(text, params),
    kill: async () => {
      throw new Error('the PGlite server runs in this process and cannot be killed');
    },
    ensureRunning: async () => {},
    kills: 0,
    restartTimes: [],
    close: () => server.close(),
  };
}
