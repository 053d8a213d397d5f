/** @wampums/client: the offline store and sync engine for Wampums PWAs. */
export { OFFLINE_DB_NAME } from '@wampums/schema';
