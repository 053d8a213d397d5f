import { useEffect } from 'preact/hooks';
import { useI18n } from './i18n/i18n-context';
import { useApp } from './offline/app-context';
import { watchBackgroundSync } from './offline/background-sync';
import { useMembersRefresh } from './offline/members';
import type { AppSession } from './offline/session';
import { ActivitiesScreen } from './screens/activities';
import { ActivityScreen } from './screens/activity';
import { AttendanceScreen } from './screens/attendance';
import { BadgesScreen } from './screens/badges';
import { ConflictsScreen } from './screens/conflicts';
import { GroupScreen } from './screens/group';
import { HonorsScreen } from './screens/honors';
import { MedicationScreen } from './screens/medication';
import { MoreScreen } from './screens/more';
import { ParticipantScreen } from './screens/participant';
import { ParticipantsScreen } from './screens/participants';
import { ReauthScreen } from './screens/reauth';
import { RequirementScreen } from './screens/requirement';
import { SyncDetailsScreen } from './screens/sync-details';
import { BottomNav } from './ui/bottom-nav';
import { ClockWarning } from './ui/clock-warning';
import { useRoute } from './ui/router';
import { StatusBar } from './ui/status-bar';

/** The signed-in app: status always on top, one screen, the navigation at the bottom. */
type ShellProps = {
  onSignOut(): Promise<void>;
  onRemoveUnit(): Promise<void>;
  onSession(session: AppSession): void;
};

export function Shell(props: ShellProps) {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const route = useRoute();
  useEffect(() => watchBackgroundSync(store), [store]);
  useMembersRefresh();
  return (
    <div class="shell">
      <StatusBar />
      <main class="content">
        <ClockWarning />
        {readOnly && (
          <p class="alert alert-info read-only-banner" data-testid="read-only">
            {t('readOnly.banner')}
          </p>
        )}
        {screenOf(route, props)}
      </main>
      <BottomNav route={route} />
    </div>
  );
}

function screenOf(route: string[], props: ShellProps) {
  const [first, second] = route;
  switch (first) {
    case undefined:
    case 'participants':
      return second ? <ParticipantScreen id={second} /> : <ParticipantsScreen />;
    case 'groups':
      return <GroupScreen id={second ?? 'new'} />;
    case 'attendance':
      return <AttendanceScreen />;
    case 'honors':
      return <HonorsScreen />;
    case 'medication':
      return second ? <RequirementScreen id={second} /> : <MedicationScreen />;
    case 'badges':
      return <BadgesScreen />;
    case 'activities':
      return second ? <ActivityScreen id={second} /> : <ActivitiesScreen />;
    case 'conflicts':
      return <ConflictsScreen />;
    case 'sync':
      return <SyncDetailsScreen />;
    case 'signin':
      return <ReauthScreen onSession={props.onSession} />;
    default:
      return <MoreScreen onSignOut={props.onSignOut} onRemoveUnit={props.onRemoveUnit} />;
  }
}
