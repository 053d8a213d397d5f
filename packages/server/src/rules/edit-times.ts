import { type EntityType, type FieldEdits, fieldNamesOf } from '@wampums/schema';
import type { Actor } from '../auth/tokens';
import type { Row } from '../entities/rows';

/**
 * Stamps a create's values or an update's patch with its edit (docs/sync-protocol.md, "Edit
 * times"): `editedAt` is the change's time on the server's clock (`correctedEditTime` in
 * packages/schema, by the push route), or now for a REST write; the author is the signed-in
 * person, never the payload. A participant also gets the time of each field it sets, which
 * `field_edits` keeps beside the other fields' (the field-level merge compares those).
 */
export function stampEdit(
  actor: Actor,
  type: EntityType,
  values: Row,
  editedAt: number | undefined,
  fieldEditedAt: Record<string, number> = {},
): void {
  const now = editedAt ?? Date.now();
  const at = new Date(now).toISOString();
  values.edited_at = at;
  values.edited_by = actor.userId;
  if (type !== 'participants') return;
  const own = new Set<string>(fieldNamesOf(type));
  const edits: FieldEdits = {};
  for (const field of Object.keys(values)) {
    if (!own.has(field)) continue;
    // A field merged from an earlier edit keeps that edit's time (never after the change's own).
    const fieldAt = Math.min(fieldEditedAt[field] ?? now, now);
    edits[field] = { at: new Date(fieldAt).toISOString(), by: actor.userId };
  }
  values.field_edits = edits;
}
