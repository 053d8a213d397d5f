import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { localDate, localInstant, localTime } from '../offline/dates';
import { dosesOfDay, type ScheduledDose } from '../offline/medication-schedule';
import { textOrNull } from '../offline/patch';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { enumLabel } from '../ui/labels';
import { Empty, Screen } from '../ui/screen';

/** Today's doses to give, then every requirement by participant. */
export function MedicationScreen() {
  const { t } = useI18n();
  const [day, setDay] = useState(localDate);
  const data = useLive(
    ['groups', 'participants', 'medication_requirements', 'medication_distributions'],
    async (s) => {
      const [roster, requirements, distributions] = await Promise.all([
        readRoster(s),
        s.query('medication_requirements'),
        s.query('medication_distributions'),
      ]);
      return { roster, requirements, doses: dosesOfDay(day, requirements, distributions) };
    },
    [day],
  );
  if (!data) return null;
  const names = new Map(data.roster.participants.map((p) => [String(p.id), fullName(p)]));
  return (
    <Screen
      title={t('medication.title')}
      action={
        <a class="button primary" href="#/medication/new">
          {t('medication.addRequirement')}
        </a>
      }
    >
      <label class="inline">
        {t('medication.scheduleOf')}
        <input
          type="date"
          value={day}
          onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)}
        />
      </label>
      {data.doses.length === 0 && <Empty>{t('medication.noDoses')}</Empty>}
      <ul class="list">
        {data.doses.map((dose) => (
          <DoseRow
            key={`${String(dose.requirement.id)}@${dose.scheduledFor}`}
            dose={dose}
            day={day}
            name={names.get(String(dose.requirement.participant_id)) ?? '—'}
          />
        ))}
      </ul>

      <h2>{t('medication.requirements')}</h2>
      {data.requirements.length === 0 && <Empty>{t('medication.noRequirements')}</Empty>}
      <ul class="list">
        {data.requirements.map((r) => (
          <li key={String(r.id)}>
            <a
              class="row"
              href={`#/medication/${encodeURIComponent(String(r.id))}`}
              data-testid="requirement-row"
            >
              <span class="row-main">
                <strong>{names.get(String(r.participant_id)) ?? '—'}</strong>
                <span class="sub">
                  {String(r.medication_name)}
                  {r.dosage_instructions ? ` · ${String(r.dosage_instructions)}` : ''}
                </span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </Screen>
  );
}

/** One dose: who, what, when; mark it given or missed with the time and a witness. */
function DoseRow(props: { dose: ScheduledDose; day: string; name: string }) {
  const { store } = useApp();
  const { t } = useI18n();
  const { requirement, distribution } = props.dose;
  const [witness, setWitness] = useState(String(distribution?.witness_name ?? ''));
  const [time, setTime] = useState(localTime);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);

  const mark = async (status: 'given' | 'missed') => {
    setError(null);
    const fields = {
      status,
      administered_at: status === 'given' ? localInstant(props.day, time) : null,
      witness_name: textOrNull(witness),
    };
    try {
      if (distribution) await store.update('medication_distributions', distribution.id, fields);
      else
        await store.create('medication_distributions', {
          ...fields,
          medication_requirement_id: requirement.id,
          participant_id: requirement.participant_id,
          scheduled_for: props.dose.scheduledFor,
          dose_amount: requirement.default_dose_amount ?? null,
          dose_unit: requirement.default_dose_unit ?? null,
        });
      setEditing(false);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const status = String(distribution?.status ?? 'scheduled');
  return (
    <li class={`dose dose-${status}`} data-testid="dose-row">
      <div class="row">
        <span class="dose-time">{props.dose.time}</span>
        <span class="row-main">
          <strong>{props.name}</strong>
          <span class="sub">
            {String(requirement.medication_name)}
            {requirement.default_dose_amount
              ? ` · ${String(requirement.default_dose_amount)} ${String(requirement.default_dose_unit ?? '')}`
              : ''}
          </span>
        </span>
        <span class={`tag tag-${status}`}>{enumLabel(t, 'distribution', status)}</span>
      </div>
      {distribution && status !== 'scheduled' && !editing ? (
        <div class="dose-done">
          <span class="sub">
            {distribution.administered_at
              ? `${localTime(new Date(String(distribution.administered_at)))}`
              : ''}
            {distribution.witness_name
              ? ` · ${t('medication.witnessed', { name: String(distribution.witness_name) })}`
              : ''}
          </span>
          <button type="button" class="small secondary" onClick={() => setEditing(true)}>
            {t('medication.change')}
          </button>
        </div>
      ) : (
        <div class="dose-form">
          <label>
            {t('field.administered_at')}
            <input
              type="time"
              name="administered_at"
              value={time}
              onInput={(e) => setTime(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('field.witness_name')}
            <input name="witness_name" value={witness} onInput={(e) => setWitness(e.currentTarget.value)} />
          </label>
          <div class="actions">
            <button type="button" class="primary" onClick={() => void mark('given')}>
              {t('medication.given')}
            </button>
            <button type="button" class="secondary" onClick={() => void mark('missed')}>
              {t('medication.missed')}
            </button>
          </div>
        </div>
      )}
      {error && <p class="alert alert-error">{error}</p>}
    </li>
  );
}
