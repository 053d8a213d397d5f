/** @wampums/server: HTTP API and sync endpoints over PostgreSQL or embedded PGlite. */
export { buildApp } from './app';
export type { Actor } from './auth/tokens';
export type { ServerConfig } from './config';
export { DEFAULT_RATE_LIMIT } from './config';
export type { Database, Queryable } from './db/database';
export { MIGRATIONS, migrate } from './db/migrate';
export { openPgDatabase } from './db/pg-database';
export { openPgliteDatabase } from './db/pglite-database';
export { type ErrorBody, errorBody, errorResponseOf } from './errors';
export { type WampumsSyncOptions, wampumsSync } from './plugin';
export { DEMO_PASSWORD } from './seed/demo';
export { DEMO } from './seed/demo-names';
export { type RunningServer, startServer } from './server';
export type { SyncAuth } from './sync/auth-adapter';
export { createSyncCore, type SyncCore, type SyncCoreOptions } from './sync/core';
export { pruneChangeLog } from './sync/log-position';
export { protocolOfRequest } from './sync/protocol-version';
export { pruneReceipts, RECEIPT_RETENTION_DAYS } from './writes/retention';
