import { PGlite, type Transaction } from '@electric-sql/pglite';
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
 * single session, so its transactions run one after another.
 */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
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
    query: base.query,
    exec: base.exec,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
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
