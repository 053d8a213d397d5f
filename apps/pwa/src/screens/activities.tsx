import { formatDay } from '../i18n/format';
import { useI18n } from '../i18n/i18n-context';
import { useLive } from '../offline/app-context';
import { localDate } from '../offline/dates';
import { Screen } from '../ui/screen';
import { UnitEmpty } from '../ui/unit-empty';

/** Activities, upcoming first, then past ones. */
export function ActivitiesScreen() {
  const { t, lang } = useI18n();
  const activities = useLive(['activities'], (s) => s.query('activities'), []);
  if (!activities) return null;
  const today = localDate();
  const upcoming = activities
    .filter((a) => String(a.activity_date) >= today)
    .sort((a, b) => String(a.activity_date).localeCompare(String(b.activity_date)));
  const past = activities
    .filter((a) => String(a.activity_date) < today)
    .sort((a, b) => String(b.activity_date).localeCompare(String(a.activity_date)));
  return (
    <Screen title={t('activities.title')}>
      {activities.length === 0 && <UnitEmpty>{t('activities.empty')}</UnitEmpty>}
      {[
        { title: t('activities.upcoming'), list: upcoming },
        { title: t('activities.past'), list: past },
      ].map(
        (section) =>
          section.list.length > 0 && (
            <div key={section.title}>
              <h2>{section.title}</h2>
              <ul class="list">
                {section.list.map((a) => (
                  <li key={String(a.id)}>
                    <a class="row" href={`#/activities/${encodeURIComponent(String(a.id))}`}>
                      <span class="row-main">
                        <strong>{String(a.name)}</strong>
                        <span class="sub">
                          {formatDay(lang, a.activity_date)}
                          {a.meeting_location_going ? ` · ${String(a.meeting_location_going)}` : ''}
                        </span>
                      </span>
                      <span aria-hidden="true">›</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ),
      )}
    </Screen>
  );
}
