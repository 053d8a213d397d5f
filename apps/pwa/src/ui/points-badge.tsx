import { useI18n } from '../i18n/i18n-context';
import type { PointTotal } from '../offline/points';

/** A points total; points the server has not confirmed yet show apart, marked as pending. */
export function PointsBadge(props: { total: PointTotal | undefined }) {
  const { t } = useI18n();
  const total = props.total ?? { confirmed: 0, pending: 0 };
  return (
    <span class="points" data-testid="points">
      {t('points.count', { count: total.confirmed })}
      {total.pending !== 0 && (
        <span class="points-pending" title={t('points.pendingHint')}>
          {' '}
          {t('points.pending', { count: total.pending })}
        </span>
      )}
    </span>
  );
}
