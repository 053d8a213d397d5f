import { readSyncState } from '@wampums/client';
import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatSize } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import type { Lang } from '../i18n/translate';
import { useApp, useLive, useSyncStatus } from '../offline/app-context';
import { useMemberNames } from '../offline/members';
import { lastEvictionAt, type Persistence, persistence } from '../offline/storage-keeping';
import { EditAuthor } from '../ui/edit-author';
import { errorText } from '../ui/error-text';
import { entityLabel, enumLabel, operationLabel } from '../ui/labels';
import { Empty, Screen } from '../ui/screen';
import { WaitingForOthers } from '../ui/waiting-changes';

function bytes(lang: Lang, n: number | undefined): string {
  if (n === undefined) return '—';
  const [value, unit]: [number, 'kilobyte' | 'megabyte' | 'gigabyte'] =
    n < 1024 ** 2
      ? [n / 1024, 'kilobyte']
      : n < 1024 ** 3
        ? [n / 1024 ** 2, 'megabyte']
        : [n / 1024 ** 3, 'gigabyte'];
  return formatSize(lang, value, unit);
}

/** For support: every outbox entry, the id map, every conflict and how it ended, storage used. */
export function SyncDetailsScreen() {
  const { store } = useApp();
  const { t, lang } = useI18n();
  const status = useSyncStatus(store);
  const names = useMemberNames();
  const data = useLive(
    ['_outbox', '_idMap', '_conflicts', '_syncMeta'],
    async (s) => {
      const [outbox, idMap, conflicts, syncState] = await Promise.all([
        s.outbox.list({ status: ['pending', 'in_progress', 'failed', 'conflict', 'synced'] }),
        s.db._idMap.toArray(),
        s.conflicts.list({ all: true }),
        readSyncState(s.db),
      ]);
      return {
        outbox: outbox.reverse().slice(0, 200),
        idMap: idMap.reverse().slice(0, 200),
        conflicts,
        syncState,
      };
    },
    [],
  );
  const [storage, setStorage] = useState<StorageEstimate | null>(null);
  const [kept, setKept] = useState<Persistence | null>(null);
  useEffect(() => {
    navigator.storage?.estimate?.().then(setStorage, () => undefined);
    persistence().then(setKept, () => undefined);
  }, [data]);
  const evictedAt = lastEvictionAt();
  if (!data) return null;
  return (
    <Screen title={t('sync.title')}>
      <dl class="facts">
        <dt>{t('sync.state')}</dt>
        <dd>
          {status.syncing ? t('sync.running') : status.online ? t('status.online') : t('status.offline')}
        </dd>
        <dt>{t('sync.lastSync')}</dt>
        <dd>{status.lastSyncAt ? formatDateTime(lang, status.lastSyncAt) : t('status.neverSynced')}</dd>
        <dt>{t('sync.storage')}</dt>
        <dd data-testid="storage">
          {storage
            ? t('sync.storageOf', { used: bytes(lang, storage.usage), quota: bytes(lang, storage.quota) })
            : '—'}
        </dd>
        <dt>{t('sync.persistence')}</dt>
        <dd data-testid="persistence">{kept ? t(`sync.persistence.${kept}`) : '—'}</dd>
        {evictedAt !== null && (
          <>
            <dt>{t('sync.evicted')}</dt>
            <dd data-testid="evicted">{formatDateTime(lang, evictedAt)}</dd>
          </>
        )}
        <dt>{t('sync.schemaVersion')}</dt>
        <dd data-testid="schema-version">{store.db.verno}</dd>
        {/* What a newer server sent that this version skips (docs/sync-protocol.md, "Versions"). */}
        <dt>{t('sync.skipped')}</dt>
        <dd data-testid="skipped-changes">
          {t('sync.skippedCounts', {
            pulled: data.syncState.skippedPullChanges,
            pushed: data.syncState.unknownPushResults,
          })}
        </dd>
        {data.syncState.lastFullRefresh && (
          <>
            <dt>{t('sync.lastFullRefresh')}</dt>
            <dd data-testid="last-full-refresh">
              {formatDateTime(lang, data.syncState.lastFullRefresh.at)} (
              {data.syncState.lastFullRefresh.reason})
            </dd>
          </>
        )}
        {status.lastError && (
          <>
            <dt>{t('sync.lastError')}</dt>
            <dd>{errorText(t, status.lastError)}</dd>
          </>
        )}
      </dl>
      <button
        type="button"
        class="primary wide"
        disabled={!status.online || status.syncing}
        onClick={() => void store.sync().catch(() => undefined)}
      >
        {t('status.syncNow')}
      </button>

      {status.waitingForOthers.length > 0 && (
        <>
          <h2>{t('sync.waitingTitle')}</h2>
          <WaitingForOthers waiting={status.waitingForOthers} class="alert alert-info" />
        </>
      )}

      <h2>{t('sync.outbox', { count: data.outbox.length })}</h2>
      {data.outbox.length === 0 && <Empty>{t('sync.outboxEmpty')}</Empty>}
      <div class="table-scroll">
        <table class="data" data-testid="outbox-table">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('sync.change')}</th>
              <th>{t('sync.status')}</th>
              <th>{t('sync.error')}</th>
            </tr>
          </thead>
          <tbody>
            {data.outbox.map((e) => (
              <tr key={e.localId}>
                <td>{e.localId}</td>
                <td>
                  {entityLabel(t, e.entityType)} · {operationLabel(t, e.operation)}
                  <br />
                  <code>{String(e.entityId)}</code>
                  {e.authorName && (
                    <>
                      <br />
                      {t('sync.author')} {e.authorName}
                    </>
                  )}
                </td>
                <td>
                  {enumLabel(t, 'outbox', e.status)}
                  {e.retryCount > 0 ? ` (${e.retryCount})` : ''}
                  {e.status === 'synced' && e.serverResponse?.status === 'conflict' && (
                    // Settled by a conflict: "synced" alone would hide that another change won.
                    <>
                      <br />
                      <span data-testid="settled-by-conflict">{t('sync.settledByConflict')}</span>
                    </>
                  )}
                </td>
                <td>
                  {e.lastError ? (
                    <>
                      {errorText(t, e.lastError)}
                      <br />
                      <code>{e.lastError.message}</code>
                    </>
                  ) : (
                    '—'
                  )}
                  {e.status === 'failed' && e.localId !== undefined && (
                    <button
                      type="button"
                      class="small"
                      onClick={() => void store.outbox.retry(e.localId as number).catch(() => undefined)}
                    >
                      {t('action.retry')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('sync.idMap', { count: data.idMap.length })}</h2>
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th>{t('sync.entity')}</th>
              <th>{t('sync.tempId')}</th>
              <th>{t('sync.serverId')}</th>
            </tr>
          </thead>
          <tbody>
            {data.idMap.map((m) => (
              <tr key={m.id}>
                <td>{entityLabel(t, m.entityType)}</td>
                <td>
                  <code>{m.tempId}</code>
                </td>
                <td>{m.serverId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('sync.conflicts', { count: data.conflicts.length })}</h2>
      <div class="table-scroll">
        <table class="data">
          <thead>
            <tr>
              <th>{t('sync.entity')}</th>
              <th>{t('sync.strategy')}</th>
              <th>{t('sync.resolution')}</th>
              <th>{t('sync.sides')}</th>
            </tr>
          </thead>
          <tbody>
            {data.conflicts.map((c) => (
              <tr key={c.id}>
                <td>
                  {entityLabel(t, c.entityType)} <code>{String(c.entityId)}</code>
                </td>
                <td>{enumLabel(t, 'strategy', c.strategy)}</td>
                <td>
                  {enumLabel(t, 'resolution', c.resolution)}
                  {c.resolvedAt ? ` · ${formatDateTime(lang, c.resolvedAt)}` : ''}
                  {c.resolution === 'server-wins' && c.serverVersion !== null && (
                    <>
                      <br />
                      <strong data-testid="change-lost">{t('sync.changeLost')}</strong>
                    </>
                  )}
                </td>
                <td>
                  {t('conflicts.mine')}: <EditAuthor conflict={c} side="local" names={names} />
                  <br />
                  {t('conflicts.theirs')}: <EditAuthor conflict={c} side="server" names={names} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Screen>
  );
}
