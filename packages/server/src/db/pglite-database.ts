import { PGlite, type Transaction } from '@electric-sql/pglite';
import { type DatabaseLimits, DEFAULT_DATABASE_LIMITS, SessionQueue } from './busy';
import type { Database, Queryable } from './database';
import { makeFolderPrivate } from './private-folder';
import { TYPE_PARSERS } from './type-parsers';

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/**
 * Opens an embedded PGlite database: on disk in `dataDir`, or in memory without it. PGlite has a
 * single session, so its transactions run one after another, through a bounded queue whose
 * turns yield to pending I/O (`db/busy.ts`): PGlite's equivalent of a pool's acquire timeout.
 * A statement cannot be cancelled inside PGlite; pushes are cut into transactions of at most
 * 200 changes (`writes/apply-write.ts`), so each turn stays short.
 */
export async function openPgliteDatabase(
  dataDir?: string,
  limits: Partial<Pick<DatabaseLimits, 'acquireTimeoutMs' | 'maxWaiting'>> = {},
): Promise<Database> {
  const queue = new SessionQueue({ ...DEFAULT_DATABASE_LIMITS, ...limits });
  if (dataDir) await makeFolderPrivate(dataDir);
  const db = await PGlite.create(dataDir, { parsers: TYPE_PARSERS });
  await db.exec(`SET TimeZone TO 'UTC'`);
  let keepPrivate: NodeJS.Timeout | null = null;
  if (dataDir) {
    await makeFolderPrivate(dataDir);
    keepPrivate = setInterval(() => makeFolderPrivate(dataDir).catch(() => {}), 3_600_000);
    keepPrivate.unref();
  }
  const base = wrap(db);
  return {
    kind: 'pglite',
    query<R>(sql: string, params?: readonly unknown[]) {
      return queue.run(() => base.query<R>(sql, params));
    },
    exec: (sql) => queue.run(() => base.exec(sql)),
    transaction: (fn) => queue.run(() => db.transaction((tx) => fn(wrap(tx)))),
    async ping() {
      await queue.run(() => base.query('SELECT 1'), true);
    },
    async listen(channel, onMessage) {
      const unsubscribe = await db.listen(channel, onMessage);
      return () => unsubscribe();
    },
    async close() {
      if (keepPrivate) clearInterval(keepPrivate);
      if (!db.closed) await db.close();
      if (dataDir) await makeFolderPrivate(dataDir);
    },
  };
}
