import { buildApp } from './app';
import { pruneAuth } from './auth/prune';
import { TokenService } from './auth/tokens';
import { resolvedLimits, type ServerConfig } from './config';
import type { AppContext } from './context';
import type { Database } from './db/database';
import { migrate } from './db/migrate';
import { openPgDatabase } from './db/pg-database';
import { openPgliteDatabase } from './db/pglite-database';
import { DEFAULT_LOAD_LIMITS, STREAM_LEASE_MS } from './load/limits';
import { PushAdmission } from './load/push-admission';
import { StreamSlots } from './load/stream-slots';
import { seedDemo } from './seed/demo';
import { CursorCodec } from './sync/cursor';
import { LiveStreams } from './sync/events';
import { pruneChangeLog } from './sync/log-position';
import { ChangeNotifier } from './sync/notifier';
import { pruneReceipts, RECEIPT_RETENTION_DAYS } from './writes/retention';

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  /** The database it runs on (for tests and tools in this repository). */
  database: Database;
  /** Its open live streams and the organizations they follow (tests read `headReads`). */
  liveStreams: LiveStreams;
  /** Its admission of pushes (tests and the bench read `refused`). */
  admission: PushAdmission;
  /** Stops accepting requests, finishes in-flight ones, ends live streams, closes the database. */
  close(): Promise<void>;
}

const DAY = 86_400_000;

/** Opens the database, applies migrations, seeds when asked, and starts listening. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const db = config.databaseUrl
    ? await openPgDatabase(config.databaseUrl, config.database ?? {})
    : await openPgliteDatabase(config.dataDir, config.database ?? {});
  const notifier = new ChangeNotifier();
  let pruneTimer: NodeJS.Timeout | null = null;
  try {
    await migrate(db);
    if (config.seedDemo) await seedDemo(db);
    await notifier.start(db);
    const load = { ...DEFAULT_LOAD_LIMITS, ...config.load };
    const ctx: AppContext = {
      config,
      db,
      tokens: new TokenService(
        config.jwtSecret,
        config.tokenTtlSeconds ?? 12 * 3600,
        config.previousJwtSecret ?? null,
      ),
      cursors: new CursorCodec(config.jwtSecret),
      notifier,
      limits: resolvedLimits(config),
      admission: new PushAdmission(load),
    };
    const streams = new LiveStreams(new StreamSlots(db, load.streamsPerUser, STREAM_LEASE_MS));
    const app = await buildApp(ctx, streams);
    app.addHook('preClose', async () => {
      await streams.endAll();
    });
    app.addHook('onClose', async () => {
      if (pruneTimer) clearInterval(pruneTimer);
      await notifier.stop();
      await db.close();
    });
    const retentionDays = Math.max(14, config.logRetentionDays ?? 30);
    const receiptDays = Math.max(
      RECEIPT_RETENTION_DAYS.min,
      config.receiptRetentionDays ?? RECEIPT_RETENTION_DAYS.default,
    );
    const prune = async () => {
      await pruneChangeLog(db, new Date(Date.now() - retentionDays * DAY)).catch((err) =>
        app.log.warn({ err }, 'pruning the change log failed'),
      );
      await pruneReceipts(db, new Date(Date.now() - receiptDays * DAY)).catch((err) =>
        app.log.warn({ err }, 'pruning receipts failed'),
      );
      await pruneAuth(db, new Date(Date.now() - receiptDays * DAY)).catch((err) =>
        app.log.warn({ err }, 'pruning sessions failed'),
      );
    };
    pruneTimer = setInterval(prune, 3_600_000);
    pruneTimer.unref();
    await prune();
    const address = await app.listen({ port: config.port, host: config.host });
    const url = address.replace('://[::1]', '://localhost').replace(/\/$/, '');
    let closing: Promise<void> | null = null;
    return {
      url,
      database: db,
      liveStreams: streams,
      admission: ctx.admission,
      close: () => {
        closing ??= app.close();
        return closing;
      },
    };
  } catch (error) {
    if (pruneTimer) clearInterval(pruneTimer);
    await notifier.stop().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}
