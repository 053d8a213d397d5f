import { useState } from 'preact/hooks';
import { formatDay } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { localDate } from '../offline/dates';
import { honorValue, pendingHonors, pointTotals } from '../offline/points';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { ParticipantSelect } from '../ui/participant-select';
import { PointsBadge } from '../ui/points-badge';
import { Screen } from '../ui/screen';
import { UnitEmpty } from '../ui/unit-empty';

/** Awards honors; shows group totals and the latest honors, pending until the server confirms. */
export function HonorsScreen() {
  const { store, readOnly } = useApp();
  const { t, lang } = useI18n();
  const [participantId, setParticipantId] = useState<number | string | null>(null);
  const [reason, setReason] = useState('');
  const [date, setDate] = useState(localDate);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const data = useLive(
    ['groups', 'participants', 'points', 'honors'],
    async (s) => {
      const [roster, points, honors] = await Promise.all([
        readRoster(s),
        s.query('points'),
        s.query('honors'),
      ]);
      honors.sort(
        (a, b) =>
          String(b.date).localeCompare(String(a.date)) ||
          String(b.created_at).localeCompare(String(a.created_at)),
      );
      const pending = new Set(pendingHonors(honors, points).map((h) => String(h.id)));
      const pointsOfHonor = new Map(points.map((p) => [String(p.honor_id), Number(p.value)]));
      return {
        roster,
        honors: honors.slice(0, 30),
        pending,
        pointsOfHonor,
        each: honorValue(points),
        totals: pointTotals(roster.participants, points, honors),
      };
    },
    [],
  );
  if (!data) return null;
  const names = new Map(data.roster.participants.map((p) => [String(p.id), fullName(p)]));

  const award = async (event: Event) => {
    event.preventDefault();
    if (participantId === null) return;
    try {
      await store.create('honors', { participant_id: participantId, reason: reason.trim(), date });
      setMessage({ ok: true, text: t('honors.awarded', { name: names.get(String(participantId)) ?? '' }) });
      setReason('');
    } catch (e) {
      setMessage({ ok: false, text: errorText(t, e) });
    }
  };

  return (
    <Screen title={t('honors.title')}>
      {!readOnly && (
        <form class="card form" onSubmit={award}>
          <ParticipantSelect roster={data.roster} value={participantId} onChange={setParticipantId} />
          <label>
            {t('field.reason')}
            <input
              name="reason"
              required
              maxLength={500}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('field.date')}
            <input type="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
          </label>
          {message && <p class={`alert ${message.ok ? 'alert-ok' : 'alert-error'}`}>{message.text}</p>}
          <button type="submit" class="primary" data-testid="award">
            {t('honors.award', { points: data.each })}
          </button>
        </form>
      )}

      <h2>{t('honors.groupTotals')}</h2>
      <ul class="list">
        {data.roster.groups.map((g) => (
          <li key={String(g.id)} class="row">
            <span class="row-main">{String(g.name)}</span>
            <PointsBadge total={data.totals.byGroup.get(String(g.id))} />
          </li>
        ))}
      </ul>

      <h2>{t('honors.recent')}</h2>
      {data.honors.length === 0 && <UnitEmpty>{t('honors.empty')}</UnitEmpty>}
      <ul class="list">
        {data.honors.map((h) => (
          <li key={String(h.id)} class="row" data-testid="honor-row">
            <span class="row-main">
              <strong>{names.get(String(h.participant_id)) ?? '—'}</strong>
              <span class="sub">
                {formatDay(lang, h.date)} · {String(h.reason)}
              </span>
            </span>
            {data.pending.has(String(h.id)) ? (
              <span class="tag">{t('points.pending', { count: data.each })}</span>
            ) : (
              <span class="points">
                {t('points.count', { count: data.pointsOfHonor.get(String(h.id)) ?? 0 })}
              </span>
            )}
          </li>
        ))}
      </ul>
    </Screen>
  );
}
