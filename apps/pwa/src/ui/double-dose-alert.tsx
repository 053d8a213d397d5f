import { useI18n } from '../i18n/i18n-context';
import { useLive } from '../offline/app-context';
import { uncheckedDoubleDoses } from '../offline/double-doses';

/** On every screen while a possible double dose waits to be checked on this device. */
export function DoubleDoseAlert() {
  const { t } = useI18n();
  const waiting = useLive(['medication_distributions', '_syncMeta'], uncheckedDoubleDoses, []);
  if (!waiting || waiting.length === 0) return null;
  return (
    <a class="alert alert-error" href="#/conflicts" data-testid="double-dose-alert">
      {t('status.doubleDoses')}
    </a>
  );
}
