import type { MessageKey } from '../i18n/fr';
import type { Translate } from '../i18n/translate';

/** Error codes with a message of their own; others read as a generic failure with their code. */
const KNOWN: Record<string, MessageKey> = {
  validation_failed: 'error.validation_failed',
  bad_request: 'error.validation_failed',
  forbidden: 'error.forbidden',
  not_owner: 'error.not_owner',
  session_revoked: 'error.unauthorized',
  client_id_taken: 'error.forbidden',
  not_found: 'error.not_found',
  read_only: 'error.forbidden',
  conflict: 'error.conflict',
  gone: 'error.gone',
  no_seats: 'error.no_seats',
  payload_too_large: 'error.payload_too_large',
  rate_limited: 'error.network_error',
  network_error: 'error.network_error',
  quota_exceeded: 'error.quota_exceeded',
  unauthorized: 'error.unauthorized',
  token_expired: 'error.unauthorized',
  dependency_pending: 'error.dependency_pending',
  internal_error: 'error.server',
  service_unavailable: 'error.server',
};

/** The code of an error from the client library, the server or anywhere else. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) return String(error.code);
  return 'unknown';
}

/**
 * An error as a sentence in the page's language. Server messages are English, so they are
 * never shown as the sentence itself: a page never mixes languages.
 */
export function errorText(t: Translate, error: unknown): string {
  const code = errorCode(error);
  const key = KNOWN[code];
  return key ? t(key) : t('error.generic', { code });
}
