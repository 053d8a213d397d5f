import type { StoredRecord } from '@wampums/client';
import { useI18n } from '../i18n/i18n-context';

/** Picks a group (or none); ids may be temp ids of groups created offline. */
export function GroupSelect(props: {
  groups: StoredRecord[];
  value: unknown;
  onChange(id: number | string | null): void;
  label: string;
  allowNone?: boolean;
}) {
  const { t } = useI18n();
  return (
    <label>
      {props.label}
      <select
        value={props.value === null || props.value === undefined ? '' : String(props.value)}
        onChange={(e) => {
          const picked = props.groups.find((g) => String(g.id) === e.currentTarget.value);
          props.onChange(picked ? picked.id : null);
        }}
      >
        {props.allowNone !== false && <option value="">{t('participants.noGroup')}</option>}
        {props.groups.map((g) => (
          <option key={String(g.id)} value={String(g.id)}>
            {String(g.name)}
          </option>
        ))}
      </select>
    </label>
  );
}
