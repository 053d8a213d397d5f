/**
 * Time behind an interface, so that backoff, leases and periodic pulls are tested with a fake
 * clock instead of real waiting.
 */
export interface Clock {
  /** Unix ms. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock of the running context (page, service worker or Node). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Lets the event loop run (rendering, input) between long steps such as pulled pages. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => globalThis.setTimeout(resolve, 0));
}
