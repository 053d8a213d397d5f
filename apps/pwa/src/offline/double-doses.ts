import type { OfflineStore, StoredRecord, WampumsOfflineDB } from '@wampums/client';
import { type DoseHistoryEntry, doubleDosesOf } from '@wampums/schema';

type DoubleDoseReport = Extract<DoseHistoryEntry, { kind: 'double_dose' }>;

/** A possible double dose the server reported on a distribution (docs/domain.md). */
export interface DoubleDose {
  distribution: StoredRecord;
  report: DoubleDoseReport;
}

/**
 * The `_syncMeta` key of the reports a person on this device has checked. Each phone's inbox
 * keeps its own: every leader who may have given the dose sees it until they confirm.
 */
export const CHECKED_DOUBLE_DOSES_KEY = 'checkedDoubleDoses';

async function checkedKeys(db: WampumsOfflineDB): Promise<string[]> {
  const entry = await db._syncMeta.get(CHECKED_DOUBLE_DOSES_KEY);
  return Array.isArray(entry?.value) ? (entry.value as string[]) : [];
}

/** The possible double doses not yet checked on this device, newest report first. */
export async function uncheckedDoubleDoses(store: OfflineStore): Promise<DoubleDose[]> {
  const [rows, checked] = await Promise.all([store.query('medication_distributions'), checkedKeys(store.db)]);
  const done = new Set(checked);
  return rows
    .flatMap((distribution) =>
      doubleDosesOf(distribution)
        .filter((report) => !done.has(report.key))
        .map((report) => ({ distribution, report })),
    )
    .sort((a, b) => b.report.reported_at.localeCompare(a.report.reported_at));
}

/** Marks a report as checked by a person on this device. */
export async function checkDoubleDose(db: WampumsOfflineDB, key: string): Promise<void> {
  await db.transaction('rw', db._syncMeta, async () => {
    const keys = await checkedKeys(db);
    if (!keys.includes(key)) await db._syncMeta.put({ key: CHECKED_DOUBLE_DOSES_KEY, value: [...keys, key] });
  });
}
