import { useRegisterSW } from 'virtual:pwa-register/preact';
import { useI18n } from '../i18n/i18n-context';

/**
 * Offers a new version of the app instead of forcing it: the new service worker waits until the
 * leader taps "reload", so a roll call in progress is never interrupted.
 */
export function UpdateBanner() {
  const { t } = useI18n();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    // The page reloads itself once the new worker controls it (below), also when the page was
    // opened before any worker (first visit), where the library's own reload does not fire.
    onNeedReload: () => undefined,
    onRegisteredSW(_url, registration) {
      // Look for a new version every hour while the app stays open.
      if (registration) setInterval(() => void registration.update().catch(() => undefined), 60 * 60 * 1000);
    },
  });
  const accept = () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    void updateServiceWorker(true);
  };
  if (!needRefresh) return null;
  return (
    <div class="update-banner" role="alert">
      <span>{t('update.available')}</span>
      <button type="button" class="small primary" onClick={accept} data-testid="update-reload">
        {t('update.reload')}
      </button>
      <button type="button" class="small secondary" onClick={() => setNeedRefresh(false)}>
        {t('update.later')}
      </button>
    </div>
  );
}
