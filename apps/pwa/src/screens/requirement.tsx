import type { StoredRecord } from '@wampums/client';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { changedFields, textOrNull } from '../offline/patch';
import { readRoster } from '../offline/roster';
import { useRecordForm } from '../offline/use-record-form';
import { errorText } from '../ui/error-text';
import { FormFooter } from '../ui/form-footer';
import { ParticipantSelect } from '../ui/participant-select';
import { navigate, routeParams } from '../ui/router';
import { Screen } from '../ui/screen';

const TEXT_FIELDS = [
  'medication_name',
  'dosage_instructions',
  'route',
  'frequency_text',
  'default_dose_unit',
  'general_notes',
  'start_date',
  'end_date',
] as const;
type TextField = (typeof TEXT_FIELDS)[number];

interface Form extends Record<TextField, string> {
  participant_id: number | string | null;
  frequency_times: string;
  default_dose_amount: string;
}

function formOf(r: StoredRecord | undefined, participant: number | string | null): Form {
  const text = Object.fromEntries(TEXT_FIELDS.map((f) => [f, String(r?.[f] ?? '')])) as Record<
    TextField,
    string
  >;
  return {
    ...text,
    participant_id: (r?.participant_id as number | string | undefined) ?? participant,
    frequency_times: Array.isArray(r?.frequency_times) ? (r.frequency_times as string[]).join(', ') : '',
    default_dose_amount:
      r?.default_dose_amount === null || r?.default_dose_amount === undefined
        ? ''
        : String(r.default_dose_amount),
  };
}

function fieldsOf(form: Form): Record<string, unknown> {
  const out: Record<string, unknown> = { participant_id: form.participant_id };
  for (const f of TEXT_FIELDS) out[f] = textOrNull(form[f]);
  out.medication_name = form.medication_name.trim();
  out.frequency_times = form.frequency_times
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => (/^\d:/.test(s) ? `0${s}` : s));
  out.default_dose_amount =
    form.default_dose_amount.trim() === '' ? null : Number(form.default_dose_amount.replace(',', '.'));
  return out;
}

/** Adds or edits a medication requirement. Conflicting edits go to the conflicts inbox. */
export function RequirementScreen(props: { id: string }) {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const isNew = props.id === 'new';
  const data = useLive(
    ['groups', 'participants', 'medication_requirements'],
    async (s) => ({
      roster: await readRoster(s),
      current: isNew ? undefined : await s.get('medication_requirements', props.id),
    }),
    [props.id],
  );
  const { form, base, saved, set, markSaved } = useRecordForm(data, () => {
    const fresh = formOf(data?.current, routeParams().get('participant'));
    const picked = data?.roster.participants.find((p) => String(p.id) === String(fresh.participant_id));
    fresh.participant_id = picked ? picked.id : null;
    return fresh;
  });
  const [error, setError] = useState<string | null>(null);
  if (!data || !form) return null;
  if (!isNew && !data.current) return <Screen title={t('medication.notFound')}>{null}</Screen>;

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      if (isNew) {
        await store.create('medication_requirements', fieldsOf(form));
        navigate('medication');
        return;
      }
      const patch = changedFields(fieldsOf(base ?? form), fieldsOf(form));
      if (Object.keys(patch).length > 0)
        await store.update('medication_requirements', (data.current as StoredRecord).id, patch);
      markSaved();
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const text = (field: TextField, type = 'text') => (
    <label>
      {t(`field.${field}`)}
      <input
        type={type}
        name={field}
        value={form[field]}
        required={field === 'medication_name'}
        onInput={(e) => set({ [field]: e.currentTarget.value })}
      />
    </label>
  );

  return (
    <Screen title={isNew ? t('medication.newRequirement') : t('medication.editRequirement')}>
      <form class="card form" onSubmit={save}>
        <fieldset class="form-fields" disabled={readOnly}>
          <ParticipantSelect
            roster={data.roster}
            value={form.participant_id}
            onChange={(id) => set({ participant_id: id })}
          />
          {text('medication_name')}
          <label>
            {t('field.dosage_instructions')}
            <textarea
              name="dosage_instructions"
              rows={2}
              value={form.dosage_instructions}
              onInput={(e) => set({ dosage_instructions: e.currentTarget.value })}
            />
          </label>
          {text('route')}
          {text('frequency_text')}
          <label>
            {t('field.frequency_times')}
            <input
              name="frequency_times"
              placeholder="08:00, 20:00"
              value={form.frequency_times}
              onInput={(e) => set({ frequency_times: e.currentTarget.value })}
            />
          </label>
          <div class="two">
            <label>
              {t('field.default_dose_amount')}
              <input
                inputMode="decimal"
                name="default_dose_amount"
                value={form.default_dose_amount}
                onInput={(e) => set({ default_dose_amount: e.currentTarget.value })}
              />
            </label>
            {text('default_dose_unit')}
          </div>
          <div class="two">
            {text('start_date', 'date')}
            {text('end_date', 'date')}
          </div>
          <label>
            {t('field.general_notes')}
            <textarea
              name="general_notes"
              rows={2}
              value={form.general_notes}
              onInput={(e) => set({ general_notes: e.currentTarget.value })}
            />
          </label>
          <FormFooter error={error} saved={saved} backHref="#/medication" saveTestId="save" />
        </fieldset>
      </form>
    </Screen>
  );
}
