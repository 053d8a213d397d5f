import type { Browser, BrowserContext } from 'playwright-core';

/**
 * A leader's phone at camp: 375x812, touch, the unit's zone (America/Toronto), in `locale`. With
 * `textScale` 2 the page's text is twice its size, as with the phone's largest text setting.
 */
export async function campPhone(browser: Browser, locale: string, options: { textScale?: number } = {}) {
  const context = await browser.newContext({
    viewport: { width: 375, height: 812 },
    deviceScaleFactor: 1,
    hasTouch: true,
    timezoneId: 'America/Toronto',
    locale,
    serviceWorkers: 'block',
  });
  if (options.textScale) await enlargeText(context, options.textScale);
  return context;
}

/** Scales every rem of the app (its root font size), the way the browser's text size does. */
export async function enlargeText(context: BrowserContext, scale: number): Promise<void> {
  await context.addInitScript((factor: number) => {
    const apply = () => {
      const style = document.createElement('style');
      style.textContent = `:root { font-size: ${16 * factor}px !important; }`;
      document.head.append(style);
    };
    if (document.head) apply();
    else document.addEventListener('DOMContentLoaded', apply, { once: true });
  }, scale);
}
