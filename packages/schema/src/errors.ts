/**
 * The closed set of error codes on the wire, and the one table mapping each to its HTTP status.
 * Both sides match errors by `code` (and by `name` across a service-worker boundary), never by
 * `instanceof`.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  unknown_entity_type: 404,
  invalid_credentials: 401,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  read_only: 405,
  method_not_allowed: 405,
  conflict: 409,
  gone: 409,
  no_seats: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes that only make sense inside a push result (never a whole-request status). */
export type PushErrorCode = ErrorCode | 'dependency_pending';

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

/** An error with a wire code. */
export class WampumsError extends Error {
  override readonly name: string = 'WampumsError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return httpStatusOf(this.code);
  }
}
