import type { ConflictRecord } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { conflictFields, valueText } from '../offline/conflict-fields';
import { uncheckedDoubleDoses } from '../offline/double-doses';
import { useMemberNames } from '../offline/members';
import { fullName } from '../offline/records';
import { DoubleDoseCard } from '../ui/double-dose-card';
import { EditAuthor } from '../ui/edit-author';
import { errorText } from '../ui/error-text';
import { entityLabel, fieldLabel } from '../ui/labels';
import { Empty, Screen } from '../ui/screen';

/** Conflicts left for a person (medication requirements): both versions side by side, and a choice. */
export function ConflictsScreen() {
  const { t } = useI18n();
  const conflicts = useLive(['_conflicts'], (s) => s.conflicts.list(), []);
  const doubleDoses = useLive(['medication_distributions', '_syncMeta'], uncheckedDoubleDoses, []);
  if (!conflicts || !doubleDoses) return null;
  return (
    <Screen title={t('conflicts.title')}>
      {doubleDoses.length > 0 && (
        <>
          <h2>{t('conflicts.doubleDoses')}</h2>
          <p class="muted">{t('conflicts.doubleDoseHint')}</p>
          {doubleDoses.map((d) => (
            <DoubleDoseCard key={d.report.key} doubleDose={d} />
          ))}
        </>
      )}
      <p class="muted">{t('conflicts.hint')}</p>
      {conflicts.length === 0 && doubleDoses.length === 0 && <Empty>{t('conflicts.empty')}</Empty>}
      {conflicts.map((c) => (
        <ConflictCard key={c.id} conflict={c} />
      ))}
    </Screen>
  );
}

function ConflictCard(props: { conflict: ConflictRecord }) {
  const { store } = useApp();
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const names = useMemberNames();
  const c = props.conflict;
  const participantId =
    c.serverVersion?.participant_id ?? c.localVersion?.participant_id ?? c.baseVersion?.participant_id;
  const who = useLive(
    ['participants'],
    async (s) => (participantId === undefined ? undefined : s.get('participants', participantId as number)),
    [String(participantId)],
  );
  const choose = (choice: 'local' | 'server') => {
    if (c.id === undefined) return;
    setError(null);
    store.conflicts.resolve(c.id, choice).catch((e: unknown) => setError(errorText(t, e)));
  };
  return (
    <article class="card conflict" data-testid="conflict">
      <h2>
        {entityLabel(t, c.entityType)}
        {who ? ` · ${fullName(who)}` : ''}
      </h2>
      {c.serverVersion === null && <p class="alert alert-warn">{t('conflicts.deleted')}</p>}
      <table class="compare">
        <thead>
          <tr>
            <th>{t('conflicts.field')}</th>
            <th>
              {t('conflicts.mine')}
              <br />
              <EditAuthor conflict={c} side="local" names={names} />
            </th>
            <th>
              {t('conflicts.theirs')}
              <br />
              <EditAuthor conflict={c} side="server" names={names} />
            </th>
          </tr>
        </thead>
        <tbody>
          {conflictFields(c).map((f) => (
            <tr key={f.field}>
              <th scope="row">{fieldLabel(t, f.field)}</th>
              <td data-side="local">{valueText(f.local)}</td>
              <td data-side="server">{valueText(f.server)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p class="alert alert-error">{error}</p>}
      <div class="actions">
        <button type="button" class="primary" onClick={() => choose('local')} data-testid="keep-mine">
          {t('conflicts.keepMine')}
        </button>
        <button type="button" class="secondary" onClick={() => choose('server')} data-testid="keep-theirs">
          {t('conflicts.keepTheirs')}
        </button>
      </div>
    </article>
  );
}
