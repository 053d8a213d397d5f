import { MINIMUM_PROTOCOL_VERSION, PROTOCOL_VERSION, requestProtocol, WampumsError } from '@wampums/schema';

/**
 * The protocol a request speaks (its `x-wampums-protocol` header), refused when the server no
 * longer serves it: 426 `upgrade_required` with `details.minimumProtocol`, so the app updates
 * itself (docs/sync-protocol.md, "Versions"). A newer client than the server is served as the
 * server's own version: additions only, so it reads what this server writes.
 */
export function protocolOfRequest(header: string | string[] | undefined): number {
  const version = requestProtocol(header);
  if (version === null) {
    throw new WampumsError('bad_request', 'x-wampums-protocol must be a protocol version number');
  }
  if (version < MINIMUM_PROTOCOL_VERSION) {
    throw new WampumsError(
      'upgrade_required',
      `Protocol ${version} is no longer served: update the app (protocol ${MINIMUM_PROTOCOL_VERSION} or later)`,
      { minimumProtocol: MINIMUM_PROTOCOL_VERSION, protocol: PROTOCOL_VERSION },
    );
  }
  return Math.min(version, PROTOCOL_VERSION);
}
