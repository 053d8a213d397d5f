import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp } from '../offline/app-context';
import { correctedNow } from '../offline/corrected-clock';
import { typedDoseInstant } from '../offline/medication-schedule';
import { textOrNull } from '../offline/patch';
import { errorText } from './error-text';

/** What a leader records about a dose. */
export interface DoseFields {
  status: 'given' | 'missed';
  administered_at: string | null;
  witness_name: string | null;
}

/**
 * Records a dose (docs/domain.md, "Medication at camp"): the time is the moment of the tap,
 * unless the leader typed another one (on the unit's clock) before tapping; the witness with it.
 */
export function DoseForm(props: {
  zone: string;
  witness?: string;
  /** `missed` is offered for a slot, not for an as-needed dose. */
  withMissed: boolean;
  note?: string;
  onRecord: (fields: DoseFields) => Promise<void>;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const { readOnly } = useApp();
  const [time, setTime] = useState('');
  const [witness, setWitness] = useState(props.witness ?? '');
  const [error, setError] = useState<string | null>(null);

  const record = async (status: 'given' | 'missed') => {
    setError(null);
    // Read at the tap, not when the screen was opened; on the corrected clock (a wrong phone clock
    // would record the dose at the wrong time).
    const tap = correctedNow();
    const administeredAt =
      status === 'given'
        ? time
          ? typedDoseInstant(time, props.zone, tap)
          : new Date(tap).toISOString()
        : null;
    try {
      await props.onRecord({ status, administered_at: administeredAt, witness_name: textOrNull(witness) });
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  // A viewer records no dose: the server would refuse it.
  if (readOnly) return null;
  return (
    <div class="dose-form" data-testid="dose-form">
      {props.note && <p class="sub dose-note">{props.note}</p>}
      <label>
        {t('medication.timeGiven')}
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
      <p class="sub dose-note">{t('medication.timeHint')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => void record('given')} data-testid="dose-given">
          {t('medication.given')}
        </button>
        {props.withMissed && (
          <button
            type="button"
            class="secondary"
            onClick={() => void record('missed')}
            data-testid="dose-missed"
          >
            {t('medication.missed')}
          </button>
        )}
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {t('medication.cancel')}
          </button>
        )}
      </div>
      {error && <p class="alert alert-error dose-note">{error}</p>}
    </div>
  );
}
