import type { StoredRecord } from '@wampums/client';
import type { OutboxEntry } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { localDate } from '../offline/dates';
import { textOrNull } from '../offline/patch';
import { fullName } from '../offline/records';
import { readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { ParticipantSelect } from '../ui/participant-select';
import { Screen } from '../ui/screen';
import { UnitEmpty } from '../ui/unit-empty';

function levelsOf(template: StoredRecord | undefined): { level: number; name: string }[] {
  if (!template) return [];
  const named = Array.isArray(template.levels) ? (template.levels as { level: number; name: string }[]) : [];
  const count = typeof template.level_count === 'number' ? template.level_count : 1;
  return Array.from(
    { length: count },
    (_, i) => named.find((l) => l.level === i + 1) ?? { level: i + 1, name: '' },
  );
}

/** Badge progress: record a level, see what waits for approval, approve it (admins). */
export function BadgesScreen() {
  const { store, session, readOnly } = useApp();
  const { t } = useI18n();
  const isAdmin = session.user.role === 'admin';
  const [participantId, setParticipantId] = useState<number | string | null>(null);
  const [templateId, setTemplateId] = useState<string>('');
  const [level, setLevel] = useState(1);
  const [description, setDescription] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  /** What the last approve or reject tap did, shown where the tap was (the row leaves the list). */
  const [decided, setDecided] = useState<{ ok: boolean; text: string } | null>(null);
  const data = useLive(
    ['groups', 'participants', 'badge_templates', 'badge_progress', '_outbox'],
    async (s) => {
      const [roster, templates, progress, failed] = await Promise.all([
        readRoster(s),
        s.query('badge_templates'),
        s.query('badge_progress'),
        s.outbox.list({ status: ['failed'] }),
      ]);
      templates.sort((a, b) => String(a.name).localeCompare(String(b.name)));
      // Changes the server refused for good (a network failure has a next attempt planned).
      const refused = failed.filter(
        (e) => e.entityType === 'badge_progress' && e.nextAttemptAt === undefined && e.lastError,
      );
      return { roster, templates, progress, refused };
    },
    [],
  );
  if (!data) return null;
  const names = new Map(data.roster.participants.map((p) => [String(p.id), fullName(p)]));
  const templateNames = new Map(data.templates.map((b) => [String(b.id), String(b.name)]));
  const template = data.templates.find((b) => String(b.id) === templateId);
  const pending = data.progress.filter((p) => p.status === 'pending');

  const record = async (event: Event) => {
    event.preventDefault();
    if (participantId === null || !template) return;
    const taken = data.progress.some(
      (p) =>
        String(p.participant_id) === String(participantId) &&
        String(p.badge_template_id) === String(template.id) &&
        p.level === level,
    );
    if (taken) {
      setMessage({ ok: false, text: t('badges.duplicate') });
      return;
    }
    try {
      await store.create('badge_progress', {
        participant_id: participantId,
        badge_template_id: template.id,
        level,
        description: textOrNull(description),
      });
      setMessage({ ok: true, text: t('badges.recorded') });
      setDescription('');
    } catch (e) {
      setMessage({ ok: false, text: errorText(t, e) });
    }
  };

  const progressOf = new Map(data.progress.map((p) => [String(p.id), p]));
  const describe = (row: StoredRecord | undefined) =>
    row
      ? `${templateNames.get(String(row.badge_template_id)) ?? '—'} · ${t('badges.level', { level: Number(row.level) })}`
      : '';
  const cancel = (entry: OutboxEntry) => {
    if (entry.localId === undefined) return;
    store.outbox
      .discard(entry.localId)
      .catch((e: unknown) => setMessage({ ok: false, text: errorText(t, e) }));
  };

  const decide = (row: StoredRecord, status: 'approved' | 'rejected') => {
    const patch = status === 'approved' ? { status, approval_date: localDate() } : { status };
    const who = names.get(String(row.participant_id)) ?? '—';
    store
      .update('badge_progress', row.id, patch)
      .then(() =>
        setDecided({
          ok: true,
          text: t(status === 'approved' ? 'badges.approved' : 'badges.rejected', {
            name: `${who} · ${templateNames.get(String(row.badge_template_id)) ?? '—'}`,
            level: Number(row.level),
          }),
        }),
      )
      .catch((e: unknown) => setDecided({ ok: false, text: errorText(t, e) }));
  };

  return (
    <Screen title={t('badges.title')}>
      {data.refused.length > 0 && (
        <section class="card refused" data-testid="badge-refused">
          <h2>{t('badges.refusedTitle')}</h2>
          <ul class="list">
            {data.refused.map((entry) => {
              const row = progressOf.get(String(entry.entityId));
              return (
                <li key={entry.localId} class="row wrap">
                  <span class="row-main">
                    <strong>{names.get(String(row?.participant_id)) ?? '—'}</strong>
                    <span class="sub">{describe(row)}</span>
                    <span class="reason">
                      {entry.lastError?.code === 'forbidden'
                        ? t('badges.refusedForbidden')
                        : errorText(t, entry.lastError)}
                    </span>
                  </span>
                  <button type="button" class="small secondary" onClick={() => cancel(entry)}>
                    {t('badges.cancelChange')}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {!readOnly && (
        <form class="card form" onSubmit={record}>
          <ParticipantSelect roster={data.roster} value={participantId} onChange={setParticipantId} />
          <label>
            {t('field.badge_template_id')}
            <select
              required
              value={templateId}
              onChange={(e) => {
                setTemplateId(e.currentTarget.value);
                setLevel(1);
              }}
            >
              <option value="">{t('common.choose')}</option>
              {data.templates.map((b) => (
                <option key={String(b.id)} value={String(b.id)}>
                  {String(b.name)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('field.level')}
            <select
              value={String(level)}
              disabled={!template}
              onChange={(e) => setLevel(Number(e.currentTarget.value))}
            >
              {!template && <option value="1">{t('common.choose')}</option>}
              {levelsOf(template).map((l) => (
                <option key={l.level} value={String(l.level)}>
                  {t('badges.level', { level: l.level })}
                  {l.name ? ` · ${l.name}` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('field.description')}
            <textarea rows={2} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          </label>
          {message && <p class={`alert ${message.ok ? 'alert-ok' : 'alert-error'}`}>{message.text}</p>}
          <button type="submit" class="primary">
            {t('badges.record')}
          </button>
        </form>
      )}

      <h2>{t('badges.pending', { count: pending.length })}</h2>
      <div role="status" aria-live="polite">
        {decided && (
          <p class={`alert ${decided.ok ? 'alert-ok' : 'alert-error'}`} data-testid="badge-decided">
            {decided.text}
          </p>
        )}
      </div>
      {pending.length === 0 && <UnitEmpty>{t('badges.nonePending')}</UnitEmpty>}
      <ul class="list">
        {pending.map((p) => (
          <li key={String(p.id)} class="row wrap">
            <span class="row-main">
              <strong>{names.get(String(p.participant_id)) ?? '—'}</strong>
              <span class="sub">
                {describe(p)}
                {p.description ? ` · ${String(p.description)}` : ''}
              </span>
            </span>
            {isAdmin && (
              <span class="row-actions">
                <button type="button" class="small primary" onClick={() => decide(p, 'approved')}>
                  {t('badges.approve')}
                </button>
                <button type="button" class="small secondary" onClick={() => decide(p, 'rejected')}>
                  {t('badges.reject')}
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </Screen>
  );
}
