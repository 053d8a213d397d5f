import { OFFLINE_DB_NAME } from '@wampums/schema';

/**
 * The IndexedDB name of one account's offline store, for an origin where several accounts (or
 * several apps) keep their own: `WampumsOfflineDB` followed by the organization and user ids,
 * e.g. `WampumsOfflineDB-org4-user17`. Pass it as `dbName` to `openOfflineStore`; without
 * `dbName` every account of the origin shares `WampumsOfflineDB` (packages/client/README.md).
 */
export function offlineDbName(
  account: { organizationId: number | string; userId: number | string },
  prefix: string = OFFLINE_DB_NAME,
): string {
  const part = (value: number | string, what: string) => {
    const text = String(value);
    if (!/^[A-Za-z0-9_.]{1,64}$/.test(text)) {
      throw new TypeError(`offlineDbName: ${what} must be 1 to 64 letters, digits, "_" or "."`);
    }
    return text;
  };
  return `${prefix}-org${part(account.organizationId, 'organizationId')}-user${part(account.userId, 'userId')}`;
}
