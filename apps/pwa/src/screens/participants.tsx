import { useMemo, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { useFirstDownload } from '../offline/first-download';
import { pointTotals } from '../offline/points';
import { foldText, fullName, isUnsynced } from '../offline/records';
import { byGroup, readRoster } from '../offline/roster';
import { enumLabel } from '../ui/labels';
import { PointsBadge } from '../ui/points-badge';
import { Empty, Screen } from '../ui/screen';

/** Participants by group, with a search and each one's points; tap one to edit or move them. */
export function ParticipantsScreen() {
  const { t } = useI18n();
  const { readOnly } = useApp();
  const [search, setSearch] = useState('');
  const first = useFirstDownload();
  const data = useLive(
    ['groups', 'participants', 'points', 'honors'],
    async (store) => {
      const [roster, points, honors] = await Promise.all([
        readRoster(store),
        store.query('points'),
        store.query('honors'),
      ]);
      return { roster, totals: pointTotals(roster.participants, points, honors) };
    },
    [],
  );
  const sections = useMemo(() => {
    if (!data) return [];
    const needle = foldText(search.trim());
    return byGroup(data.roster)
      .map((s) => ({ ...s, members: s.members.filter((p) => foldText(fullName(p)).includes(needle)) }))
      .filter((s) => s.members.length > 0 || needle === '');
  }, [data, search]);

  return (
    <Screen
      title={t('participants.title')}
      action={
        readOnly ? undefined : first.loading ? (
          <button
            type="button"
            class="button primary"
            disabled
            title={t('participants.addWaiting')}
            data-testid="add-participant"
          >
            {t('participants.add')}
          </button>
        ) : (
          <a class="button primary" href="#/participants/new" data-testid="add-participant">
            {t('participants.add')}
          </a>
        )
      }
    >
      <input
        type="search"
        class="search"
        placeholder={t('participants.search')}
        aria-label={t('participants.search')}
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
      />
      {!readOnly && (
        <div class="links">
          {first.loading ? (
            <button type="button" class="button secondary" disabled data-testid="add-group">
              {t('groups.add')}
            </button>
          ) : (
            <a class="button secondary" href="#/groups/new" data-testid="add-group">
              {t('groups.add')}
            </a>
          )}
        </div>
      )}
      {data && data.roster.participants.length === 0 && first.loading && (
        <p class="loading" role="status" data-testid="first-download">
          <span class="spinner" aria-hidden="true" />
          {t('participants.loading')}
        </p>
      )}
      {data && data.roster.participants.length === 0 && !first.loading && (
        <Empty>{t('participants.empty')}</Empty>
      )}
      {sections.map(({ group, members }) => (
        <div class="group-block" key={group ? String(group.id) : 'none'}>
          <h2 class="group-title" data-testid="group-title">
            <span class="group-name">
              {group ? String(group.name) : t('participants.noGroup')}
              {group && <span class="sub">{enumLabel(t, 'section', group.section ?? 'general')}</span>}
            </span>
            {group && <PointsBadge total={data?.totals.byGroup.get(String(group.id))} />}
            {group && (
              <a
                class="button small secondary"
                href={`#/groups/${encodeURIComponent(String(group.id))}`}
                aria-label={t('groups.editNamed', { name: String(group.name) })}
              >
                {t('groups.editShort')}
              </a>
            )}
          </h2>
          <ul class="list">
            {members.map((p) => (
              <li key={String(p.id)}>
                <a class="row" href={`#/participants/${encodeURIComponent(String(p.id))}`}>
                  <span class="row-main">
                    {fullName(p)}
                    {isUnsynced(p) && <span class="tag">{t('common.notSynced')}</span>}
                  </span>
                  <PointsBadge total={data?.totals.byParticipant.get(String(p.id))} />
                </a>
              </li>
            ))}
            {members.length === 0 && <li class="empty">{t('participants.groupEmpty')}</li>}
          </ul>
        </div>
      ))}
    </Screen>
  );
}
