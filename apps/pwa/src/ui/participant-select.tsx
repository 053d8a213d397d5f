import { useI18n } from '../i18n/i18n-context';
import { fullName } from '../offline/records';
import type { Roster } from '../offline/roster';
import { byGroup } from '../offline/roster';

/** Picks a participant, listed by group. */
export function ParticipantSelect(props: {
  roster: Roster;
  value: number | string | null;
  onChange(id: number | string | null): void;
  label?: string;
}) {
  const { t } = useI18n();
  return (
    <label>
      {props.label ?? t('field.participant_id')}
      <select
        name="participant"
        required
        value={props.value === null ? '' : String(props.value)}
        onChange={(e) => {
          const picked = props.roster.participants.find((p) => String(p.id) === e.currentTarget.value);
          props.onChange(picked ? picked.id : null);
        }}
      >
        <option value="">{t('common.choose')}</option>
        {byGroup(props.roster).map(({ group, members }) => (
          <optgroup
            key={group ? String(group.id) : 'none'}
            label={group ? String(group.name) : t('participants.noGroup')}
          >
            {members.map((p) => (
              <option key={String(p.id)} value={String(p.id)}>
                {fullName(p)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
