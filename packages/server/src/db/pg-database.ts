import pg from 'pg';
import { asBusyError, busyError, type DatabaseLimits, DEFAULT_DATABASE_LIMITS } from './busy';
import type { Database, Queryable } from './database';
import { TYPE_PARSERS } from './type-parsers';

const { Pool, Client, types } = pg;

const typeConfig = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    const parser = TYPE_PARSERS[oid];
    // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads cannot be named here
    return parser ?? (types.getTypeParser as any)(oid, format);
  },
};

function connectionOptions(url: string) {
  // Every session in UTC, so timestamps print the same on every machine.
  return { connectionString: url, types: typeConfig, options: '-c TimeZone=UTC' };
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      try {
        const result = await client.query(sql, params as unknown[]);
        return result.rows as R[];
      } catch (error) {
        throw asBusyError(error);
      }
    },
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (error) {
        throw asBusyError(error);
      }
    },
  };
}

/**
 * Opens a pool on a PostgreSQL server. A failing connection rejects (it is never ignored).
 * `limits` (or a pool size alone) bound the pool: connections, the wait for one, statement and
 * idle-in-transaction timeouts, each turned into a 503 `service_unavailable` (`db/busy.ts`).
 */
export async function openPgDatabase(
  url: string,
  limits: number | Partial<DatabaseLimits> = {},
): Promise<Database> {
  const resolved: DatabaseLimits = {
    ...DEFAULT_DATABASE_LIMITS,
    ...(typeof limits === 'number' ? { poolSize: limits } : limits),
  };
  const pool = new Pool({
    ...connectionOptions(url),
    max: resolved.poolSize,
    connectionTimeoutMillis: resolved.acquireTimeoutMs,
    statement_timeout: resolved.statementTimeoutMs,
    idle_in_transaction_session_timeout: resolved.idleInTransactionTimeoutMs,
  });
  // Refused at once when the queue for a connection is already this deep.
  const checkQueue = () => {
    if (pool.waitingCount >= resolved.maxWaiting)
      throw busyError('too many requests are waiting for the database');
  };
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const listeners = new Set<pg.Client>();
  let healthClient: Promise<pg.Client> | null = null;
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query<R>(sql: string, params?: readonly unknown[]) {
      checkQueue();
      return base.query<R>(sql, params);
    },
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      checkQueue();
      const client = await pool.connect().catch((error: unknown) => {
        throw asBusyError(error);
      });
      // The server may end a checked-out session (idle in transaction past its timeout): pg
      // reports it as an 'error' event, which would crash the process without a listener.
      let lost: unknown = null;
      const onLost = (error: unknown) => {
        lost ??= error;
      };
      client.on('error', onLost);
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (lost === null) await client.query('ROLLBACK').catch(() => {});
        const cause = lost ?? error;
        const mapped = asBusyError(cause);
        // A session the server ended is dropped, not reused.
        broken = lost !== null || mapped !== cause;
        throw mapped;
      } finally {
        client.off('error', onLost);
        client.release(broken);
      }
    },
    async ping() {
      // Its own session, opened on first use and again after a failure.
      healthClient ??= (async () => {
        const client = new Client({
          ...connectionOptions(url),
          connectionTimeoutMillis: resolved.acquireTimeoutMs,
          statement_timeout: resolved.statementTimeoutMs,
        });
        client.on('error', () => {});
        await client.connect();
        return client;
      })();
      const pending = healthClient;
      try {
        await (await pending).query('SELECT 1');
      } catch (error) {
        if (healthClient === pending) healthClient = null;
        (await pending.catch(() => null))?.end().catch(() => {});
        throw error;
      }
    },
    async listen(channel, onMessage) {
      // LISTEN needs one dedicated session that stays open.
      const client = new Client(connectionOptions(url));
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onMessage(message.payload ?? '');
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      listeners.clear();
      const health = healthClient;
      healthClient = null;
      await health?.then((c) => c.end()).catch(() => {});
      await pool.end();
    },
  };
}
