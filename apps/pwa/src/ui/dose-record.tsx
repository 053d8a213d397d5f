import type { StoredRecord } from '@wampums/client';
import { doseHistoryOf, doubleDosesOf } from '@wampums/schema';
import { useI18n } from '../i18n/i18n-context';
import type { Translate } from '../i18n/translate';
import { unitTime } from '../offline/medication-schedule';
import { enumLabel } from './labels';

/** The name of the user `id`, or "someone" when this device does not know the name. */
export function recorderName(t: Translate, names: ReadonlyMap<string, string>, id: unknown): string {
  return (id !== null && id !== undefined && names.get(String(id))) || t('medication.someone');
}

/**
 * What was recorded for a dose, as the server keeps it: status, time on the unit's clock,
 * recorder and witness; any possible double dose reported on it; and its former versions.
 */
export function DoseRecord(props: {
  distribution: StoredRecord;
  zone: string;
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useI18n();
  const d = props.distribution;
  const name = (id: unknown) => recorderName(t, props.names, id);
  const history = doseHistoryOf(d).filter((e) => e.kind === 'correction');
  return (
    <div class="dose-record" data-testid="dose-record">
      <span class="sub">
        {t('medication.givenAt', {
          status: enumLabel(t, 'distribution', d.status),
          time: unitTime(d.administered_at ?? d.scheduled_for, props.zone),
          name: name(d.administered_by),
        })}
        {d.witness_name ? ` · ${t('medication.witnessed', { name: String(d.witness_name) })}` : ''}
      </span>
      {doubleDosesOf(d).map((report) => (
        <p key={report.key} class="alert alert-error" data-testid="double-dose">
          {t('medication.doubleDose', {
            first: name(report.first.administered_by),
            firstTime: unitTime(report.first.administered_at, props.zone),
            second: name(report.second.administered_by),
            secondTime: unitTime(report.second.administered_at, props.zone),
          })}
        </p>
      ))}
      {history.length > 0 && (
        <details class="sub" data-testid="dose-history">
          <summary>{t('medication.history')}</summary>
          <ul>
            {history.map((e) => (
              <li key={e.replaced_at}>
                {t('medication.historyEntry', {
                  status: enumLabel(t, 'distribution', e.status),
                  time: unitTime(e.administered_at, props.zone),
                  name: name(e.administered_by),
                  by: name(e.replaced_by),
                })}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
