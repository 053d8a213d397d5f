import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_RATE_LIMIT, type ServerConfig } from './config';
import { databaseLimitsFromEnv } from './db/busy';
import { loadLimitsFromEnv } from './load/limits';
import { safeError } from './log-safety';
import { startServer } from './server';

/** Reads a boolean environment variable (`true/1/yes`, `false/0/no`). */
function flag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value);
}

/** The embedded database's secret: generated once and kept in the data folder. */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** `TRUST_PROXY`: `true`/`false`, or the proxy's addresses/CIDRs, comma-separated. */
function trustProxyOf(value: string): boolean | string {
  if (/^(1|true|yes|on|0|false|no|off)$/i.test(value)) return flag(value) as boolean;
  return value;
}

function configFromEnv(env: NodeJS.ProcessEnv): ServerConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = resolve(env.DATA_DIR || './data');
  let freshEmbedded = false;
  let jwtSecret = env.JWT_SECRET;
  if (!databaseUrl) {
    freshEmbedded = !existsSync(join(dataDir, 'PG_VERSION'));
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    jwtSecret ||= embeddedSecret(dataDir);
  } else if (!jwtSecret) {
    throw new Error('JWT_SECRET is required with DATABASE_URL');
  }
  const rateMax = Number(env.RATE_LIMIT_MAX ?? DEFAULT_RATE_LIMIT.max);
  const previousUntil = env.JWT_PREVIOUS_SECRET_UNTIL ? new Date(env.JWT_PREVIOUS_SECRET_UNTIL) : null;
  if (env.JWT_PREVIOUS_SECRET && (!previousUntil || Number.isNaN(previousUntil.getTime()))) {
    throw new Error('JWT_PREVIOUS_SECRET needs JWT_PREVIOUS_SECRET_UNTIL (an ISO date)');
  }
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST || '127.0.0.1',
    ...(databaseUrl ? { databaseUrl } : { dataDir }),
    // Demo data: on for a new embedded database, off for PostgreSQL unless asked for.
    seedDemo: flag(env.SEED_DEMO) ?? freshEmbedded,
    jwtSecret: jwtSecret as string,
    ...(env.JWT_PREVIOUS_SECRET && previousUntil
      ? { previousJwtSecret: { secret: env.JWT_PREVIOUS_SECRET, until: previousUntil } }
      : {}),
    ...(env.SESSION_TTL_SECONDS ? { sessionTtlSeconds: Number(env.SESSION_TTL_SECONDS) } : {}),
    ...(env.TRUST_PROXY ? { trustProxy: trustProxyOf(env.TRUST_PROXY) } : {}),
    rateLimit: rateMax > 0 ? { max: rateMax, timeWindow: DEFAULT_RATE_LIMIT.timeWindow } : false,
    limits: {
      ...(env.MAX_PUSH_CHANGES ? { maxChanges: Number(env.MAX_PUSH_CHANGES) } : {}),
      ...(env.MAX_BODY_BYTES ? { maxBytes: Number(env.MAX_BODY_BYTES) } : {}),
    },
    pwaDir:
      env.PWA_DIR === '' ? null : resolve(env.PWA_DIR ?? join(import.meta.dirname, '../../../apps/pwa/dist')),
    logLevel: env.LOG_LEVEL || 'info',
    ...(env.REQUEST_TIMEOUT_MS ? { requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS) } : {}),
    database: databaseLimitsFromEnv(env),
    load: loadLimitsFromEnv(env),
  };
}

const config = configFromEnv(process.env);
if (config.pwaDir && !existsSync(join(config.pwaDir, 'index.html'))) config.pwaDir = null;
const server = await startServer(config);
// One line tools can wait for (tests spawn this file and read it).
console.log(`Wampums server listening on ${server.url}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error('shutdown failed', JSON.stringify(safeError(err)));
        process.exit(1);
      },
    );
  });
}
