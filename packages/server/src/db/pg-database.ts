import pg from 'pg';
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
      const result = await client.query(sql, params as unknown[]);
      return result.rows as R[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

/** Opens a pool on a PostgreSQL server. A failing connection rejects (it is never ignored). */
export async function openPgDatabase(url: string, poolSize = 10): Promise<Database> {
  const pool = new Pool({ ...connectionOptions(url), max: poolSize });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const listeners = new Set<pg.Client>();
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
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
      await pool.end();
    },
  };
}
