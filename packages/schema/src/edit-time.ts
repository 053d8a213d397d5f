/**
 * When a change was made, and by whom: the order every last-write-wins decision follows, on the
 * server and on every device (docs/architecture.md, section 5; docs/sync-protocol.md, "Edit
 * times"). `updated_at` stays the server's own version (409 detection, pull order); these say
 * when the person acted.
 */

/** The columns the server keeps on every synced row (migration 007-edit-times). */
export const EDIT_FIELDS = ['edited_at', 'edited_by', 'field_edits'] as const;

/** One edit: when (Unix ms on the server's clock) and by whom (user id; `null` unknown). */
export interface EditStamp {
  at: number;
  by: number | null;
}

/** A participant's per-field edits, as stored in `field_edits`: field → `{at: ISO, by}`. */
export type FieldEdits = Record<string, { at: string; by: number | null }>;

/**
 * True when edit `a` comes after edit `b`. Equal times go to the higher author id, and a known
 * author beats an unknown one, so every device decides a tie the same way whatever order it
 * saw the two edits in. The same edit is never later than itself.
 */
export function isLaterEdit(a: EditStamp, b: EditStamp | null): boolean {
  if (b === null) return true;
  if (a.at !== b.at) return a.at > b.at;
  return (a.by ?? -1) > (b.by ?? -1);
}

/**
 * The edit time of a change, on the server's clock: the device's `timestamp` corrected by the
 * measured offset (server time − device time), and never after `receivedAt` (the server's time
 * when the change reached it, or the device's corrected now). So a phone whose clock runs days
 * ahead edits at most "now": it cannot win every conflict for days, only tie with a change
 * made at the moment it syncs.
 */
export function correctedEditTime(timestamp: number, clockOffsetMs: number, receivedAt: number): number {
  return Math.min(timestamp + clockOffsetMs, receivedAt);
}

function stampOf(at: unknown, by: unknown): EditStamp | null {
  const ms = typeof at === 'string' ? Date.parse(at) : typeof at === 'number' ? at : Number.NaN;
  if (Number.isNaN(ms)) return null;
  return { at: ms, by: typeof by === 'number' ? by : null };
}

/**
 * The edit that produced a row: `edited_at`/`edited_by`, or for a row written before edit
 * times were kept, its `updated_at` with no author. `null` without either.
 */
export function rowEditOf(row: Record<string, unknown> | null | undefined): EditStamp | null {
  if (!row) return null;
  return stampOf(row.edited_at, row.edited_by) ?? stampOf(row.updated_at, null);
}

/** The last edit of one field of a row: its entry of `field_edits`, else the row's edit. */
export function fieldEditOf(
  row: Record<string, unknown> | null | undefined,
  field: string,
): EditStamp | null {
  const edits = row?.field_edits;
  if (edits && typeof edits === 'object' && !Array.isArray(edits)) {
    const entry = (edits as Record<string, unknown>)[field];
    if (entry && typeof entry === 'object') {
      const e = entry as { at?: unknown; by?: unknown };
      const stamp = stampOf(e.at, e.by);
      if (stamp) return stamp;
    }
  }
  return rowEditOf(row);
}

/**
 * The per-field times of an outbox entry after `change` merged into `existing`: each field the
 * change sets takes its time, the others keep theirs. Sent as `fieldTimestamps`, so a field
 * edited early and merged with a later edit of another field is not taken for a later edit.
 */
export function mergedFieldTimes(
  existing: {
    payload: Record<string, unknown> | null;
    timestamp: number;
    fieldTimes?: Record<string, number>;
  },
  change: { payload: Record<string, unknown> | null; timestamp: number },
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const field of Object.keys(existing.payload ?? {}))
    out[field] = existing.fieldTimes?.[field] ?? existing.timestamp;
  for (const field of Object.keys(change.payload ?? {})) out[field] = change.timestamp;
  return out;
}
