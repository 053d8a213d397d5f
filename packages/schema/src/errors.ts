/**
 * The closed set of error codes on the wire, and the one table mapping each to its HTTP status.
 * Both sides match errors by `code` (and by `name` across a service-worker boundary), never by
 * `instanceof`.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_request: 400,
  /** A token in a query string (`access_token`): tokens never travel in URLs. */
  token_in_url: 400,
  unknown_entity_type: 404,
  invalid_credentials: 401,
  unauthorized: 401,
  token_expired: 401,
  /** The token's session ended (signed out, password or role changed, user removed, lifetime over). */
  session_revoked: 401,
  /** A live-stream ticket that is unknown, used already or expired. */
  invalid_ticket: 401,
  forbidden: 403,
  /** A sync `clientId` already bound to another person. */
  client_id_taken: 403,
  /** A row owned by one person (a carpool offer, by its driver) changed by someone else than them or an admin. */
  not_owner: 403,
  not_found: 404,
  read_only: 405,
  method_not_allowed: 405,
  conflict: 409,
  gone: 409,
  /** `POST /auth/refresh` before the token's last quarter (`details.refreshAfter`). */
  refresh_too_early: 409,
  no_seats: 409,
  payload_too_large: 413,
  /** The client's protocol is older than the server serves; `details.minimumProtocol` (docs/sync-protocol.md). */
  upgrade_required: 426,
  unsupported_media_type: 415,
  rate_limited: 429,
  /** Too many failed sign-ins for this email or address; `Retry-After` says when to try again. */
  login_throttled: 429,
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
