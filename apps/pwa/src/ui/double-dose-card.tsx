import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { checkDoubleDose, type DoubleDose } from '../offline/double-doses';
import { unitTime, unitTimeZone } from '../offline/medication-schedule';
import { useMemberNames } from '../offline/members';
import { fullName } from '../offline/records';
import { recorderName } from './dose-record';
import { errorText } from './error-text';

/** A possible double dose in the inbox: the child, the medication, both leaders and their times. */
export function DoubleDoseCard(props: { doubleDose: DoubleDose }) {
  const { store, session } = useApp();
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const names = useMemberNames();
  if (!names.has(String(session.user.id))) names.set(String(session.user.id), session.user.name);
  const zone = unitTimeZone(session);
  const { distribution: d, report } = props.doubleDose;
  const context = useLive(
    ['participants', 'medication_requirements'],
    async (s) => ({
      child: await s.get('participants', d.participant_id as number),
      requirement: await s.get('medication_requirements', d.medication_requirement_id as number),
    }),
    [String(d.participant_id), String(d.medication_requirement_id)],
  );
  const name = (id: unknown) => recorderName(t, names, id);
  const check = () => {
    setError(null);
    checkDoubleDose(store.db, report.key).catch((e: unknown) => setError(errorText(t, e)));
  };
  return (
    <article class="card conflict" data-testid="double-dose-item">
      <h2>
        {context?.child ? fullName(context.child) : '—'}
        {context?.requirement ? ` · ${String(context.requirement.medication_name)}` : ''}
        {` · ${unitTime(d.scheduled_for, zone)}`}
      </h2>
      <p class="alert alert-error">
        {t('medication.doubleDose', {
          first: name(report.first.administered_by),
          firstTime: unitTime(report.first.administered_at, zone),
          second: name(report.second.administered_by),
          secondTime: unitTime(report.second.administered_at, zone),
        })}
      </p>
      {error && <p class="alert alert-error">{error}</p>}
      <div class="actions">
        <button type="button" class="primary" onClick={check} data-testid="double-dose-checked">
          {t('conflicts.checked')}
        </button>
      </div>
    </article>
  );
}
