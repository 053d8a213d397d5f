import type { AttendanceStatus } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { markAttendance } from '../offline/attendance';
import { localDate } from '../offline/dates';
import { ATTENDANCE_STATUSES } from '../offline/enums';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { GroupSelect } from '../ui/group-select';
import { enumLabel } from '../ui/labels';
import { Empty, Screen } from '../ui/screen';

/** Roll call: a date, a group, and one tap per participant. */
export function AttendanceScreen() {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const [date, setDate] = useState(localDate);
  const [groupId, setGroupId] = useState<number | string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const data = useLive(
    ['groups', 'participants', 'attendance'],
    async (s) => {
      const [roster, records] = await Promise.all([readRoster(s), s.query('attendance', { date })]);
      return { roster, byParticipant: new Map(records.map((r) => [String(r.participant_id), r])) };
    },
    [date],
  );
  if (!data) return null;
  const group = groupId ?? data.roster.groups[0]?.id ?? null;
  const members = data.roster.participants.filter((p) =>
    group === null ? p.group_id === null : String(p.group_id) === String(group),
  );
  const present = members.filter((p) => data.byParticipant.get(String(p.id))?.status === 'present').length;

  const mark = (participantId: number | string, status: AttendanceStatus) => {
    setError(null);
    markAttendance(store, participantId, date, status).catch((e: unknown) => setError(errorText(t, e)));
  };

  return (
    <Screen title={t('attendance.title')}>
      <div class="toolbar">
        <label>
          {t('field.date')}
          <input
            type="date"
            value={date}
            onInput={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
          />
        </label>
        <GroupSelect
          groups={data.roster.groups}
          value={group}
          label={t('field.group_id')}
          onChange={setGroupId}
        />
      </div>
      <p class="muted" data-testid="attendance-summary">
        {t('attendance.summary', { present, total: members.length })}
      </p>
      {error && <p class="alert alert-error">{error}</p>}
      {members.length === 0 && <Empty>{t('participants.groupEmpty')}</Empty>}
      <ul class="list roll">
        {members.map((p) => {
          const current = data.byParticipant.get(String(p.id))?.status;
          return (
            <li key={String(p.id)} class="roll-row" data-testid="roll-row">
              <span class="roll-name">{fullName(p)}</span>
              <fieldset class="roll-buttons" aria-label={fullName(p)} disabled={readOnly}>
                {ATTENDANCE_STATUSES.map((status) => (
                  <button
                    key={status}
                    type="button"
                    class={`roll-button status-${status} ${current === status ? 'on' : ''}`}
                    aria-pressed={current === status}
                    title={enumLabel(t, 'attendance', status)}
                    onClick={() => mark(p.id, status)}
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
