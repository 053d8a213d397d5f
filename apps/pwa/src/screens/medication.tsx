import type { StoredRecord } from '@wampums/client';
import { dayInZone, isRecordedDose, phoneZoneDiffers } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { formatDose } from '../i18n/dose-unit';
import { formatDay } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { correctedDate } from '../offline/corrected-clock';
import { dosesOfDay, type ScheduledDose, unitTime, unitTimeZone } from '../offline/medication-schedule';
import { useMemberNames } from '../offline/members';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { type DoseFields, DoseForm } from '../ui/dose-form';
import { DoseRecord } from '../ui/dose-record';
import { enumLabel } from '../ui/labels';
import { Screen } from '../ui/screen';
import { UnitEmpty } from '../ui/unit-empty';

/**
 * The care screen (docs/domain.md, "Medication at camp"): the day's slots on the unit's clock,
 * every other dose of that day, the as-needed medications, then every requirement.
 */
export function MedicationScreen() {
  const { t } = useI18n();
  const { session, readOnly } = useApp();
  const zone = unitTimeZone(session);
  const names = useMemberNames();
  if (!names.has(String(session.user.id))) names.set(String(session.user.id), session.user.name);
  const [day, setDay] = useState(() => dayInZone(Date.now(), zone));
  const data = useLive(
    ['groups', 'participants', 'medication_requirements', 'medication_distributions'],
    async (s) => {
      const [roster, requirements, distributions] = await Promise.all([
        readRoster(s),
        s.query('medication_requirements'),
        s.query('medication_distributions'),
      ]);
      return { roster, requirements, day: dosesOfDay(day, zone, requirements, distributions, Date.now()) };
    },
    [day, zone],
  );
  if (!data) return null;
  const participants = new Map(data.roster.participants.map((p) => [String(p.id), fullName(p)]));
  const requirements = new Map(data.requirements.map((r) => [String(r.id), r]));
  const who = (r: StoredRecord | undefined) => participants.get(String(r?.participant_id)) ?? '—';
  const { slots, others, asNeeded } = data.day;
  return (
    <Screen
      title={t('medication.title')}
      action={
        readOnly ? undefined : (
          <a class="button primary" href="#/medication/new">
            {t('medication.addRequirement')}
          </a>
        )
      }
    >
      {phoneZoneDiffers(zone) && (
        <p class="alert alert-warn" data-testid="zone-note">
          {t('medication.zoneNote', { zone })}
        </p>
      )}
      <label class="inline">
        {t('medication.scheduleOf')}
        <input
          type="date"
          value={day}
          onInput={(e) => e.currentTarget.value && setDay(e.currentTarget.value)}
        />
      </label>
      {slots.length === 0 && others.length === 0 && <UnitEmpty>{t('medication.noDoses')}</UnitEmpty>}
      <ul class="list">
        {slots.map((dose) => (
          <SlotRow
            key={`${String(dose.requirement.id)}@${dose.scheduledFor}`}
            dose={dose}
            zone={zone}
            names={names}
            name={who(dose.requirement)}
          />
        ))}
      </ul>

      {others.length > 0 && (
        <>
          <h2>{t('medication.otherDoses')}</h2>
          <p class="muted">{t('medication.otherHint')}</p>
          <ul class="list">
            {others.map((d) => (
              <li key={String(d.id)} class={`dose dose-${String(d.status)}`} data-testid="other-dose">
                <DoseHead
                  time={unitTime(d.scheduled_for, zone)}
                  name={who(d)}
                  requirement={requirements.get(String(d.medication_requirement_id))}
                  status={String(d.status)}
                />
                <RecordedDose distribution={d} zone={zone} names={names} />
              </li>
            ))}
          </ul>
        </>
      )}

      {asNeeded.length > 0 && (
        <>
          <h2>{t('medication.asNeeded')}</h2>
          <ul class="list">
            {asNeeded.map(({ requirement, lastGiven }) => (
              <AsNeededRow
                key={String(requirement.id)}
                requirement={requirement}
                lastGiven={lastGiven}
                zone={zone}
                names={names}
                name={who(requirement)}
              />
            ))}
          </ul>
        </>
      )}

      <h2>{t('medication.requirements')}</h2>
      {data.requirements.length === 0 && <UnitEmpty>{t('medication.noRequirements')}</UnitEmpty>}
      <ul class="list">
        {data.requirements.map((r) => (
          <li key={String(r.id)}>
            <a
              class="row"
              href={`#/medication/${encodeURIComponent(String(r.id))}`}
              data-testid="requirement-row"
            >
              <span class="row-main">
                <strong>{who(r)}</strong>
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

/** Time, child, medication and dose, status, and the timing flag of a slot. */
function DoseHead(props: {
  time: string;
  name: string;
  requirement: StoredRecord | undefined;
  status: string;
  timing?: string;
}) {
  const { t, lang } = useI18n();
  const r = props.requirement;
  const flagged = props.timing && ['early', 'late', 'overdue', 'due'].includes(props.timing);
  return (
    <div class="row">
      <span class="dose-time">{props.time}</span>
      <span class="row-main">
        <strong>{props.name}</strong>
        <span class="sub">
          {r ? String(r.medication_name) : '—'}
          {r?.default_dose_amount ? ` · ${formatDose(lang, r.default_dose_amount, r.default_dose_unit)}` : ''}
        </span>
      </span>
      <span class={`tag tag-${props.status}`} data-testid="dose-status">
        {enumLabel(t, 'distribution', props.status)}
      </span>
      {flagged && (
        <span class={`tag tag-timing-${props.timing}`} data-testid="dose-timing" data-timing={props.timing}>
          {t(`medication.timing.${props.timing}` as 'medication.timing.late')}
        </span>
      )}
    </div>
  );
}

/** A given or missed dose: what was recorded, and a correction that keeps the former version. */
function RecordedDose(props: {
  distribution: StoredRecord;
  zone: string;
  names: ReadonlyMap<string, string>;
}) {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const [correcting, setCorrecting] = useState(false);
  const d = props.distribution;
  const correct = async (fields: DoseFields) => {
    await store.update('medication_distributions', d.id, { ...fields });
    setCorrecting(false);
  };
  return (
    <>
      <div class="dose-done">
        <DoseRecord distribution={d} zone={props.zone} names={props.names} />
        {!correcting && !readOnly && (
          <button
            type="button"
            class="small secondary"
            onClick={() => setCorrecting(true)}
            data-testid="dose-correct"
          >
            {t('medication.correct')}
          </button>
        )}
      </div>
      {correcting && (
        <DoseForm
          zone={props.zone}
          witness={String(d.witness_name ?? '')}
          withMissed={true}
          note={t('medication.correcting')}
          onRecord={correct}
          onCancel={() => setCorrecting(false)}
        />
      )}
    </>
  );
}

/**
 * One slot. Once given or missed it offers only a correction (an update of the same record):
 * a slot never gets a second given dose from this screen.
 */
function SlotRow(props: {
  dose: ScheduledDose;
  zone: string;
  names: ReadonlyMap<string, string>;
  name: string;
}) {
  const { store } = useApp();
  const { requirement, distribution } = props.dose;
  const status = String(distribution?.status ?? 'scheduled');
  const record = async (fields: DoseFields) => {
    if (distribution) await store.update('medication_distributions', distribution.id, { ...fields });
    else
      await store.create('medication_distributions', {
        ...fields,
        medication_requirement_id: requirement.id,
        participant_id: requirement.participant_id,
        scheduled_for: props.dose.scheduledFor,
        dose_amount: requirement.default_dose_amount ?? null,
        dose_unit: requirement.default_dose_unit ?? null,
      });
  };
  return (
    <li class={`dose dose-${status}`} data-testid="dose-row" data-slot={props.dose.scheduledFor}>
      <DoseHead
        time={props.dose.time}
        name={props.name}
        requirement={requirement}
        status={status}
        timing={props.dose.timing}
      />
      {distribution && isRecordedDose(distribution) ? (
        <RecordedDose distribution={distribution} zone={props.zone} names={props.names} />
      ) : (
        <DoseForm zone={props.zone} withMissed={true} onRecord={record} />
      )}
    </li>
  );
}

/** An as-needed medication: when it was last given, and a dose recorded at any time. */
function AsNeededRow(props: {
  requirement: StoredRecord;
  lastGiven: StoredRecord | undefined;
  zone: string;
  names: ReadonlyMap<string, string>;
  name: string;
}) {
  const { store } = useApp();
  const { t, lang } = useI18n();
  const r = props.requirement;
  const last = props.lastGiven;
  const record = async (fields: DoseFields) => {
    const at = fields.administered_at ?? correctedDate().toISOString();
    await store.create('medication_distributions', {
      ...fields,
      medication_requirement_id: r.id,
      participant_id: r.participant_id,
      // An as-needed dose is its own slot: the moment it was given.
      scheduled_for: at,
      dose_amount: r.default_dose_amount ?? null,
      dose_unit: r.default_dose_unit ?? null,
    });
  };
  const lastAt = last ? String(last.administered_at ?? last.scheduled_for) : null;
  return (
    <li class="dose" data-testid="as-needed-row">
      <DoseHead time="" name={props.name} requirement={r} status="scheduled" />
      <p class="sub dose-note" data-testid="last-given">
        {lastAt
          ? t('medication.lastGiven', {
              when: `${formatDay(lang, dayInZone(lastAt, props.zone))} ${unitTime(lastAt, props.zone)}`,
            })
          : t('medication.neverGiven')}
      </p>
      <DoseForm zone={props.zone} withMissed={false} onRecord={record} />
    </li>
  );
}
