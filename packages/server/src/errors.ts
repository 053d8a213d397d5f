import { type ErrorCode, WampumsError } from '@wampums/schema';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** The contract's error body. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** A short, safe summary of zod issues: paths and messages, never the input itself. */
export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map((p) => String(p)).join('.'),
    message: issue.message,
  }));
}

/** A 400 `validation_failed` built from a zod error. */
export function validationError(error: z.ZodError, what = 'request'): WampumsError {
  return new WampumsError('validation_failed', `Invalid ${what}`, issuesOf(error));
}

/** Parses with a schema or throws `validation_failed`. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, what);
  return result.data;
}

/** Fastify's own error codes, mapped to the contract's codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
};

function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal_error';
}

/**
 * Seconds to wait before retrying, for a 429 or 503 that says so (`details.retryAfterSeconds`):
 * sent as `Retry-After`, which the client's backoff honours (docs/sync-protocol.md).
 */
export function retryAfterOf(error: WampumsError): number | null {
  if (error.status !== 429 && error.status !== 503) return null;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : null;
}

/**
 * The one error handler: every failure leaves as `{"error":{code,message,details}}` with the
 * status of its code. Unexpected errors are logged with their stack and answered with a
 * generic 500, so neither a stack trace nor SQL ever reaches a client.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof WampumsError) {
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== null) reply.header('Retry-After', String(retryAfter));
    return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode ?? 500;
  const code = (fastifyError.code && FASTIFY_CODES[fastifyError.code]) || codeForStatus(status);
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody('internal_error', 'Internal server error'));
  }
  const message =
    code === 'bad_request' && error instanceof SyntaxError ? 'Malformed JSON body' : error.message;
  return reply.status(status).send(errorBody(code, message));
}

/**
 * The status and contract body of an error thrown by a framework-neutral sync function
 * (`createSyncCore`), for a server that is not Fastify. Anything but a `WampumsError` is a 500
 * whose details stay in the server's log, never in the answer.
 */
export function errorResponseOf(error: unknown): {
  status: number;
  body: ErrorBody;
  /** `Retry-After` to send with a 429 or 503, in seconds. */
  retryAfterSeconds?: number;
} {
  if (error instanceof WampumsError) {
    const retryAfter = retryAfterOf(error);
    return {
      status: error.status,
      body: errorBody(error.code, error.message, error.details),
      ...(retryAfter !== null ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  return { status: 500, body: errorBody('internal_error', 'Internal server error') };
}
