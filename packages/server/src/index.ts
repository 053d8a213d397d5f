/** @wampums/server: HTTP API and sync endpoints over PostgreSQL or embedded PGlite. */
export { buildApp } from './app';
export type { ServerConfig } from './config';
export { DEFAULT_RATE_LIMIT } from './config';
export type { Database, Queryable } from './db/database';
export { MIGRATIONS, migrate } from './db/migrate';
export { DEMO_PASSWORD } from './seed/demo';
export { DEMO } from './seed/demo-names';
export { type RunningServer, startServer } from './server';
export { pruneChangeLog } from './sync/log-position';
export { pruneReceipts, RECEIPT_RETENTION_DAYS } from './writes/retention';
