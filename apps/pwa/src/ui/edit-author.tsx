import { type ConflictRecord, rowEditOf } from '@wampums/schema';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';

/**
 * Who changed a record and when, for one side of a conflict (docs/architecture.md, section 5):
 * the local side from the conflict's `localEdit`, the server's from its row's
 * `edited_at`/`edited_by`. Names come from the organization's people kept on the device.
 */
export function EditAuthor(props: {
  conflict: ConflictRecord;
  side: 'local' | 'server';
  names: Map<string, string>;
}) {
  const { t, lang } = useI18n();
  const c = props.conflict;
  const edit =
    props.side === 'local' ? (c.localEdit ?? null) : c.serverVersion ? rowEditOf(c.serverVersion) : null;
  if (!edit) return null;
  const name =
    (props.side === 'local' && c.localEdit?.name) ||
    (edit.by !== null ? props.names.get(String(edit.by)) : undefined) ||
    t('conflicts.someone');
  return (
    <span class="muted edit-author" data-testid={`edit-${props.side}`}>
      {t('conflicts.editedBy', { name, time: formatDateTime(lang, edit.at) })}
    </span>
  );
}
