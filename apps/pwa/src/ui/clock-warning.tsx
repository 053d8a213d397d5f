import { CLOCK_WARNING_MS, storedClockOffset } from '@wampums/client';
import { useEffect } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useLive } from '../offline/app-context';
import { setClockOffset } from '../offline/corrected-clock';

/**
 * Warns a leader whose phone clock is more than a few minutes off the server's (the offset is
 * measured on every sync answer). Their changes still count at the right time (the server
 * corrects them), but times they read on the phone would be wrong, and a clock changed while
 * offline shifts the times of the changes made before (docs/sync-protocol.md, "Edit times").
 */
export function ClockWarning() {
  const { t } = useI18n();
  const offset = useLive(['_syncMeta'], (s) => storedClockOffset(s.db), []);
  useEffect(() => {
    if (offset !== undefined) setClockOffset(offset);
  }, [offset]);
  if (offset === undefined || Math.abs(offset) <= CLOCK_WARNING_MS) return null;
  const minutes = Math.round(Math.abs(offset) / 60_000);
  return (
    <p class="alert alert-warn clock-warning" role="alert" data-testid="clock-warning">
      {t(offset > 0 ? 'clock.behind' : 'clock.ahead', { minutes })}
    </p>
  );
}
