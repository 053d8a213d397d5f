import type { OfflineStore } from '@wampums/client';
import type { AttendanceStatus } from '@wampums/schema';

const chains = new Map<string, Promise<unknown>>();

/**
 * Sets (or with `null` clears) one participant's status for a date: updates the day's record,
 * creates it, or removes it. Writes for one participant run one after the other, so two quick
 * taps never create two records for the same participant and date (the natural key of
 * attendance).
 */
export function markAttendance(
  store: OfflineStore,
  participantId: number | string,
  date: string,
  status: AttendanceStatus | null,
  /** Leave a status already there (the "all present" of a roll call keeps its exceptions). */
  options: { onlyIfUnmarked?: boolean } = {},
): Promise<void> {
  const key = `${String(participantId)}|${date}`;
  const previous = chains.get(key) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const [existing] = await store.query('attendance', { participant_id: participantId, date });
      // `null` clears the day's status: the record goes, as if never taken.
      if (status === null) {
        if (existing) await store.remove('attendance', existing.id);
      } else if (!existing) await store.create('attendance', { participant_id: participantId, date, status });
      else if (existing.status !== status && !options.onlyIfUnmarked)
        await store.update('attendance', existing.id, { status });
    });
  chains.set(key, next);
  void next
    .finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    })
    .catch(() => undefined);
  return next;
}
