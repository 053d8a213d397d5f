/**
 * The small storage interface the server is written against. Two implementations exist
 * (PostgreSQL through `pg`, embedded PGlite); every query is plain SQL that both accept.
 */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; resolves to an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /**
   * Optional: `SELECT 1` for the health check, ahead of the work queued for the database (a
   * connection of its own on PostgreSQL, the front of the queue on PGlite), so that a flood
   * of pushes does not make a working server look dead (docs/server.md, "Load and fairness").
   */
  ping?(): Promise<void>;
}

/** The PostgreSQL error code of a failed statement (`23505` unique, `23503` foreign key...). */
export function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
