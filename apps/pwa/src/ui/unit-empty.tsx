import type { ComponentChildren } from 'preact';
import { useI18n } from '../i18n/i18n-context';
import { useFirstDownload } from '../offline/first-download';
import { Empty } from './screen';

/**
 * The empty state of a list of the unit's records: during the first download it says the data
 * is still coming (with the status bar's progress), never "nothing here".
 */
export function UnitEmpty(props: { children: ComponentChildren }) {
  const { t } = useI18n();
  const { loading } = useFirstDownload();
  if (!loading) return <Empty>{props.children}</Empty>;
  return (
    <p class="loading" role="status" data-testid="first-download">
      <span class="spinner" aria-hidden="true" />
      {t('status.loading')}
    </p>
  );
}
