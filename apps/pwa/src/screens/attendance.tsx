import type { AttendanceStatus } from '@wampums/schema';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';
import { useApp, useLive } from '../offline/app-context';
import { markAttendance } from '../offline/attendance';
import { ATTENDANCE_STATUSES } from '../offline/enums';
import { useFirstDownload } from '../offline/first-download';
import { fullName } from '../offline/records';
import { keepRollCallChoice, readRollCallChoice } from '../offline/roll-call-choice';
import { byGroup, readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { enumLabel } from '../ui/labels';
import { Empty, Screen } from '../ui/screen';

/**
 * Roll call: a date, a group (one button per group, full names), "all present", then one tap
 * per exception. The date and group stay chosen while the tab lives (`roll-call-choice.ts`).
 */
export function AttendanceScreen() {
  const { store, readOnly } = useApp();
  const { t, lang } = useI18n();
  const first = useFirstDownload();
  const [choice, setChoice] = useState(readRollCallChoice);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => keepRollCallChoice(choice), [choice]);
  const { date } = choice;
  const data = useLive(
    ['groups', 'participants', 'attendance'],
    async (s) => {
      const [roster, records] = await Promise.all([readRoster(s), s.query('attendance', { date })]);
      return { roster, byParticipant: new Map(records.map((r) => [String(r.participant_id), r])) };
    },
    [date],
  );
  if (!data) return null;
  const blocks = byGroup(data.roster).map((b) => ({ ...b, key: b.group ? String(b.group.id) : '' }));
  const chosen = blocks.find((b) => b.key === String(choice.group ?? '')) ?? blocks[0];
  const members = chosen?.members ?? [];
  const groupName = chosen?.group ? String(chosen.group.name) : t('participants.noGroup');
  const statusOf = (id: unknown) =>
    data.byParticipant.get(String(id))?.status as AttendanceStatus | undefined;
  const present = members.filter((p) => statusOf(p.id) === 'present').length;

  const fail = (e: unknown) => setError(errorText(t, e));
  const mark = (participantId: number | string, status: AttendanceStatus | null) => {
    setError(null);
    markAttendance(store, participantId, date, status).catch(fail);
  };
  const allPresent = () => {
    setError(null);
    // Everyone not marked yet is present; statuses already set are the exceptions, kept.
    for (const p of members) {
      if (!statusOf(p.id)) markAttendance(store, p.id, date, 'present', { onlyIfUnmarked: true }).catch(fail);
    }
  };

  return (
    <Screen title={t('attendance.title')}>
      <label class="roll-date">
        {t('field.date')}
        <input
          type="date"
          value={date}
          onInput={(e) => e.currentTarget.value && setChoice({ ...choice, date: e.currentTarget.value })}
        />
      </label>
      {blocks.length > 0 && (
        <fieldset class="roll-groups" data-testid="roll-groups">
          <legend>{t('attendance.group')}</legend>
          {blocks.map((b) => (
            <button
              key={b.key}
              type="button"
              class={`chip ${b.key === chosen?.key ? 'on' : ''}`}
              aria-pressed={b.key === chosen?.key}
              onClick={() => setChoice({ ...choice, group: b.group ? b.group.id : '' })}
            >
              {b.group ? String(b.group.name) : t('participants.noGroup')}
            </button>
          ))}
        </fieldset>
      )}
      <dl class="roll-legend" data-testid="roll-legend" aria-label={t('attendance.legend')}>
        {ATTENDANCE_STATUSES.map((status) => (
          <div key={status}>
            <dt class={`roll-key status-${status}`}>{enumLabel(t, 'attendanceShort', status)}</dt>
            <dd>{enumLabel(t, 'attendance', status)}</dd>
          </div>
        ))}
      </dl>
      <p class="sub roll-hint">{t('attendance.clearHint')}</p>
      <div class="roll-summary">
        <p class="muted" data-testid="attendance-summary" aria-live="polite">
          {t(pluralKey(lang, 'attendance.summary', present), { present, total: members.length })}
        </p>
        {!readOnly && members.length > 0 && (
          <button
            type="button"
            class="primary small"
            aria-label={t('attendance.allPresentNamed', { group: groupName })}
            onClick={allPresent}
            data-testid="all-present"
          >
            {t('attendance.allPresent')}
          </button>
        )}
      </div>
      {error && <p class="alert alert-error">{error}</p>}
      {members.length === 0 &&
        (first.loading ? (
          <p class="loading" role="status" data-testid="first-download">
            <span class="spinner" aria-hidden="true" />
            {t('participants.loading')}
          </p>
        ) : (
          <Empty>{t('participants.groupEmpty')}</Empty>
        ))}
      <ul class="list roll">
        {members.map((p) => {
          const name = fullName(p);
          const current = statusOf(p.id);
          return (
            <li key={String(p.id)} class="roll-row" data-testid="roll-row" data-status={current ?? ''}>
              <span class="roll-name">
                {name}
                <span class="sub">
                  {current ? enumLabel(t, 'attendance', current) : t('attendance.noStatus')}
                </span>
              </span>
              <fieldset class="roll-buttons" disabled={readOnly}>
                <legend class="visually-hidden">{name}</legend>
                {ATTENDANCE_STATUSES.map((status) => (
                  <button
                    key={status}
                    type="button"
                    class={`roll-button status-${status} ${current === status ? 'on' : ''}`}
                    aria-pressed={current === status}
                    aria-label={t('attendance.markNamed', {
                      status: enumLabel(t, 'attendance', status),
                      name,
                    })}
                    title={enumLabel(t, 'attendance', status)}
                    // A pressed status tapped again is cleared, as if never taken.
                    onClick={() => mark(p.id, current === status ? null : status)}
                  >
                    {enumLabel(t, 'attendanceShort', status)}
                  </button>
                ))}
              </fieldset>
            </li>
          );
        })}
      </ul>
    </Screen>
  );
}
