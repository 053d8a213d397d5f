import { ENTITY_TYPES } from '@wampums/schema';

/**
 * Edit times (docs/sync-protocol.md, "Edit times"; docs/architecture.md, section 5): every
 * synced row keeps when the change that produced it was made, on the server's clock, and by
 * whom; participants also per field (`field_edits`: field → `{at, by}`), for their field-level
 * merge. `updated_at` stays the server's version (409 detection, pull order). Rows written
 * before this stay NULL (no UPDATE here: it would move every `updated_at` and log every row);
 * readers fall back to `updated_at` with no author (`rowEditOf` in packages/schema). No foreign
 * key on `edited_by`: it orders ties, it is not an authorship a removal should clear.
 */
export const editTimesMigration = {
  id: '007-edit-times',
  get sql() {
    return [
      ...ENTITY_TYPES.map(
        (type) => `ALTER TABLE "${type}" ADD COLUMN edited_at timestamptz(3), ADD COLUMN edited_by integer;`,
      ),
      `ALTER TABLE participants ADD COLUMN field_edits jsonb NOT NULL DEFAULT '{}'::jsonb;`,
    ].join('\n');
  },
};
