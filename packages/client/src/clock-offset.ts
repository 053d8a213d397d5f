import { SYNC_META_KEYS } from '@wampums/schema';
import type { WampumsOfflineDB } from './db';

/**
 * The device's clock offset (server time − device time, ms), measured on every answer that
 * carries `serverTime` (push and pull: docs/architecture.md, section 5) against the device time
 * halfway through the request. It corrects edit times in conflict decisions and the app's
 * default dates and times, and tells the app when to warn about a wrong clock.
 */
export function measuredOffset(
  serverTime: string | undefined,
  startedAt: number,
  endedAt: number,
): number | null {
  if (serverTime === undefined) return null;
  const server = Date.parse(serverTime);
  return Number.isNaN(server) ? null : server - (startedAt + endedAt) / 2;
}

/** The offset last measured on this device (0 before any answer). */
export async function storedClockOffset(db: WampumsOfflineDB): Promise<number> {
  const row = await db._syncMeta.get(SYNC_META_KEYS.clockOffset);
  return typeof row?.value === 'number' ? row.value : 0;
}

/** Keeps a newly measured offset. */
export async function storeClockOffset(db: WampumsOfflineDB, offsetMs: number): Promise<void> {
  await db._syncMeta.put({ key: SYNC_META_KEYS.clockOffset, value: offsetMs });
}

/** Beyond this the app warns that the phone's clock is wrong (docs/architecture.md, section 5). */
export const CLOCK_WARNING_MS = 5 * 60 * 1000;
