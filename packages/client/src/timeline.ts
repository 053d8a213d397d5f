/**
 * The push's phases in the browser's performance timeline (User Timing `measure` entries), so
 * that DevTools' Performance panel, or a `PerformanceObserver`, shows where a long sync spends
 * its time: marking each batch in progress, settling each answer, and waiting for the server.
 */
export const PUSH_PHASES = {
  mark: 'wampums:push-mark',
  settle: 'wampums:push-settle',
  answer: 'wampums:push-answer-wait',
} as const;

/** Adds a measure named `name` spanning `work`, once it ends (fulfilled or not). */
export function measured<T>(name: string, work: Promise<T>): Promise<T> {
  const start = performance.now();
  const end = () => {
    try {
      performance.measure(name, { start });
    } catch {
      // A platform without User Timing Level 3 loses the measure, never the work.
    }
  };
  work.then(end, end);
  return work;
}

/**
 * Drops the previous pushes' measures from the timeline, as a push starts: the timeline keeps
 * every entry until it is cleared, and an app open for days syncs thousands of times. An
 * observer has received them already.
 */
export function clearPushMeasures(): void {
  try {
    for (const name of Object.values(PUSH_PHASES)) performance.clearMeasures(name);
  } catch {
    // Nothing to clear.
  }
}
