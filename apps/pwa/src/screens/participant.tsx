import type { StoredRecord } from '@wampums/client';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { changedFields, textOrNull } from '../offline/patch';
import { pointTotals } from '../offline/points';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { useRecordForm } from '../offline/use-record-form';
import { errorText } from '../ui/error-text';
import { FormFooter } from '../ui/form-footer';
import { GroupSelect } from '../ui/group-select';
import { PointsBadge } from '../ui/points-badge';
import { navigate } from '../ui/router';
import { Screen } from '../ui/screen';

interface Form {
  first_name: string;
  last_name: string;
  date_of_birth: string;
  group_id: number | string | null;
  first_leader: boolean;
  second_leader: boolean;
  notes: string;
}

function formOf(p: StoredRecord | undefined): Form {
  return {
    first_name: String(p?.first_name ?? ''),
    last_name: String(p?.last_name ?? ''),
    date_of_birth: String(p?.date_of_birth ?? ''),
    group_id: (p?.group_id as number | string | null | undefined) ?? null,
    first_leader: p?.first_leader === true,
    second_leader: p?.second_leader === true,
    notes: String(p?.notes ?? ''),
  };
}

function fieldsOf(form: Form): Record<string, unknown> {
  return {
    first_name: form.first_name.trim(),
    last_name: form.last_name.trim(),
    date_of_birth: textOrNull(form.date_of_birth),
    group_id: form.group_id,
    first_leader: form.first_leader,
    second_leader: form.second_leader,
    notes: textOrNull(form.notes),
  };
}

/** Adds a participant (`id` = `new`) or edits one, moving them between groups included. */
export function ParticipantScreen(props: { id: string }) {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const isNew = props.id === 'new';
  const data = useLive(
    ['groups', 'participants', 'points', 'honors'],
    async (s) => {
      const [roster, current, points, honors] = await Promise.all([
        readRoster(s),
        isNew ? undefined : s.get('participants', props.id),
        s.query('points'),
        s.query('honors'),
      ]);
      return { roster, current, totals: pointTotals(roster.participants, points, honors) };
    },
    [props.id],
  );
  const { form, base, saved, set, markSaved } = useRecordForm(data, () => formOf(data?.current));
  const [error, setError] = useState<string | null>(null);

  if (!data || !form) return null;
  if (!isNew && !data.current) return <Screen title={t('participants.notFound')}>{null}</Screen>;
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      if (isNew) {
        await store.create('participants', fieldsOf(form));
        navigate('participants');
        return;
      }
      const current = data.current as StoredRecord;
      const patch = changedFields(fieldsOf(base ?? form), fieldsOf(form));
      if (Object.keys(patch).length > 0) await store.update('participants', current.id, patch);
      markSaved();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <Screen title={isNew ? t('participants.new') : fullName(data.current)}>
      {!isNew && data.current && (
        <p class="muted">
          <PointsBadge total={data.totals.byParticipant.get(String(data.current.id))} />
        </p>
      )}
      <form class="card form" onSubmit={save}>
        <fieldset class="form-fields" disabled={readOnly}>
          <label>
            {t('field.first_name')}
            <input
              name="first_name"
              required
              value={form.first_name}
              onInput={(e) => set({ first_name: e.currentTarget.value })}
            />
          </label>
          <label>
            {t('field.last_name')}
            <input
              name="last_name"
              required
              value={form.last_name}
              onInput={(e) => set({ last_name: e.currentTarget.value })}
            />
          </label>
          <label>
            {t('field.date_of_birth')}
            <input
              type="date"
              name="date_of_birth"
              value={form.date_of_birth}
              onInput={(e) => set({ date_of_birth: e.currentTarget.value })}
            />
          </label>
          <GroupSelect
            groups={data.roster.groups}
            value={form.group_id}
            label={t('field.group_id')}
            onChange={(id) => set({ group_id: id })}
          />
          <label class="check">
            <input
              type="checkbox"
              checked={form.first_leader}
              onChange={(e) => set({ first_leader: e.currentTarget.checked })}
            />
            {t('field.first_leader')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={form.second_leader}
              onChange={(e) => set({ second_leader: e.currentTarget.checked })}
            />
            {t('field.second_leader')}
          </label>
          <label>
            {t('field.notes')}
            <textarea
              name="notes"
              rows={3}
              value={form.notes}
              onInput={(e) => set({ notes: e.currentTarget.value })}
            />
          </label>
          <FormFooter error={error} saved={saved} backHref="#/participants" saveTestId="save" />
        </fieldset>
      </form>
      {!isNew && !readOnly && data.current && (
        <div class="links">
          <a
            class="button secondary"
            href={`#/medication/new?participant=${encodeURIComponent(String(data.current.id))}`}
          >
            {t('medication.addRequirement')}
          </a>
        </div>
      )}
    </Screen>
  );
}
