import type { FastifyRequest } from 'fastify';

/**
 * What the server's log may hold of a request and of an error (`docs/privacy.md`): never a
 * request body, a query string (it carries cursors, filters by a child's id, and the live
 * channel's ticket), a header (the bearer token), nor what a database error carries of
 * the failed statement (PGlite's errors hold the SQL and its parameters: a medication payload;
 * PostgreSQL's messages and details may quote a value).
 */

/** A request as logged: method and path, without the query string or any header. */
export function safeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: (request.url ?? '').split('?')[0],
    remoteAddress: request.ip,
  };
}

type ErrorLike = Error & Record<string, unknown>;

/** Fields of a database error that name where it failed, never what was written. */
const DATABASE_FIELDS = ['code', 'severity', 'routine', 'table', 'column', 'constraint', 'dataType'] as const;

function isDatabaseError(error: ErrorLike): boolean {
  return typeof error.severity === 'string' || 'query' in error || 'params' in error;
}

type LoggedError = { [key: string]: unknown; type: string; message: string; stack: string };

/**
 * An error as logged: its type, code and stack frames. A database error keeps its SQLSTATE code
 * and where it failed (routine, table, constraint), not its message, SQL or parameters.
 */
export function safeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: 'not an Error', stack: '' };
  const e = error as ErrorLike;
  const frames = (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const out: LoggedError = {
    type: e.constructor?.name ?? e.name,
    message: e.message,
    stack: frames.join('\n'),
  };
  if (isDatabaseError(e)) {
    out.message = `database error ${typeof e.code === 'string' ? e.code : ''}`.trim();
    for (const field of DATABASE_FIELDS) if (typeof e[field] === 'string') out[field] = e[field];
  } else if (typeof e.code === 'string') out.code = e.code;
  if (e.cause !== undefined && depth < 2) out.cause = safeError(e.cause, depth + 1);
  return out;
}
