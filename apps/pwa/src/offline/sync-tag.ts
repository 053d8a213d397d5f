/** The Background Sync tag under which the page asks the service worker to flush the outbox. */
export const OUTBOX_SYNC_TAG = 'wampums-outbox';
