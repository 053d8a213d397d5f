import { WampumsError } from '@wampums/schema';
import { sqlStateOf } from './database';

/**
 * How long database work may wait or run before the request is answered 503 instead
 * (docs/server.md, "Load and fairness"). A request that cannot get a connection, or a statement
 * that runs too long, fails fast with `service_unavailable` and `Retry-After`: the client's
 * backoff waits it out (docs/sync-protocol.md, "Retry-After"), while health checks and other
 * organizations' requests keep being answered.
 */
export interface DatabaseLimits {
  /** PostgreSQL connections in the pool (`DB_POOL_SIZE`, default 10). */
  poolSize: number;
  /** Longest wait for a pool connection, or for PGlite's single session, ms (`DB_ACQUIRE_TIMEOUT_MS`, default 10 s). */
  acquireTimeoutMs: number;
  /** PostgreSQL `statement_timeout`, ms (`DB_STATEMENT_TIMEOUT_MS`, default 30 s). */
  statementTimeoutMs: number;
  /** PostgreSQL `idle_in_transaction_session_timeout`, ms (`DB_IDLE_IN_TRANSACTION_TIMEOUT_MS`, default 60 s). */
  idleInTransactionTimeoutMs: number;
  /**
   * Requests waiting for a connection (PostgreSQL) or for the single session (PGlite) beyond
   * which a new one is refused at once (default 200): a queue that long is already seconds deep.
   */
  maxWaiting: number;
}

export const DEFAULT_DATABASE_LIMITS: DatabaseLimits = {
  poolSize: 10,
  acquireTimeoutMs: 10_000,
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  maxWaiting: 200,
};

/** Seconds a client is told to wait after a 503 of a busy database. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/**
 * The 503 of a database too busy to take the work now; safe to retry (docs/sync-protocol.md).
 * Its own class: the write path answers a bad change in place, but this one must end the
 * whole request (`writes/apply-write.ts`).
 */
export class DatabaseBusyError extends WampumsError {
  constructor(why: string) {
    super('service_unavailable', `The server is busy (${why}); retry later`, {
      retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS,
    });
  }
}

export function busyError(why: string): DatabaseBusyError {
  return new DatabaseBusyError(why);
}

/**
 * A timeout of PostgreSQL (statement or idle-in-transaction: SQLSTATE 57014, 25P03) or of
 * `pg`'s pool ("timeout exceeded when trying to connect") as the 503 above; anything else as is.
 * The transaction it happened in was rolled back whole, so a retry finds nothing half written.
 */
export function asBusyError(error: unknown): unknown {
  const state = sqlStateOf(error);
  if (state === '57014') return busyError('a statement ran past its timeout');
  if (state === '25P03') return busyError('a transaction sat idle past its timeout');
  if (error instanceof Error && /timeout exceeded when trying to connect/i.test(error.message)) {
    return busyError('no database connection came free in time');
  }
  return error;
}

/**
 * PGlite's single session as a bounded first-in first-out queue: at most `maxWaiting` callers
 * wait, none longer than `acquireTimeoutMs`, and each turn starts after the event loop has
 * handled pending I/O (`setImmediate`), so a flood of pushes cannot starve the socket reads of
 * health checks and other organizations' requests.
 */
export class SessionQueue {
  private running = false;
  private readonly waiting: { start: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(private readonly limits: Pick<DatabaseLimits, 'acquireTimeoutMs' | 'maxWaiting'>) {}

  get depth(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  /** Runs `fn` on its turn; `urgent` (the health check) goes before every waiting caller. */
  async run<T>(fn: () => Promise<T>, urgent = false): Promise<T> {
    await this.acquire(urgent);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(urgent: boolean): Promise<void> {
    if (!this.running && this.waiting.length === 0) {
      this.running = true;
      // Even a free session is taken after pending I/O: PGlite's work resolves without ever
      // returning to the event loop, so without this one push would hold it from start to end.
      return new Promise((resolve) => setImmediate(resolve));
    }
    if (!urgent && this.waiting.length >= this.limits.maxWaiting) {
      return Promise.reject(busyError('too many requests are waiting for the database'));
    }
    return new Promise<void>((resolve, reject) => {
      const entry = {
        start: () => {
          clearTimeout(entry.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(busyError('the database was not free in time'));
        }, this.limits.acquireTimeoutMs),
      };
      if (urgent) this.waiting.unshift(entry);
      else this.waiting.push(entry);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (!next) {
      this.running = false;
      return;
    }
    // Still running: the next caller owns the session; it starts once pending I/O was read.
    setImmediate(next.start);
  }
}

function intOf(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** `DB_POOL_SIZE`, `DB_ACQUIRE_TIMEOUT_MS`, `DB_STATEMENT_TIMEOUT_MS`, `DB_IDLE_IN_TRANSACTION_TIMEOUT_MS`. */
export function databaseLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<DatabaseLimits> {
  const limits: Partial<DatabaseLimits> = {};
  const pairs: [keyof DatabaseLimits, string][] = [
    ['poolSize', 'DB_POOL_SIZE'],
    ['acquireTimeoutMs', 'DB_ACQUIRE_TIMEOUT_MS'],
    ['statementTimeoutMs', 'DB_STATEMENT_TIMEOUT_MS'],
    ['idleInTransactionTimeoutMs', 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'],
  ];
  for (const [key, name] of pairs) {
    const value = intOf(env, name);
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
