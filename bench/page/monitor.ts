/** What the page's main thread went through while a workload ran. */
export interface MonitorReport {
  /** Longest task that blocked the main thread (ms, 0 when none crossed the 50 ms line). */
  longTaskMaxMs: number;
  longTaskCount: number;
  /** Highest `usedJSHeapSize` seen, minus the heap at start (bytes). */
  heapPeakDeltaBytes: number;
  heapPeakBytes: number;
}

interface ChromeMemory {
  usedJSHeapSize: number;
}

const heapNow = () => (performance as unknown as { memory?: ChromeMemory }).memory?.usedJSHeapSize ?? 0;

/**
 * Watches long tasks (PerformanceObserver 'longtask', > 50 ms) and samples the JS heap every
 * 20 ms until `stop()` is called. Chromium runs with --enable-precise-memory-info so the heap
 * figure is not rounded.
 */
export function startMonitor(): () => MonitorReport {
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) tasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  const base = heapNow();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, heapNow());
  }, 20);
  return () => {
    peak = Math.max(peak, heapNow());
    clearInterval(timer);
    // Entries of the last task are delivered asynchronously: take what is queued.
    for (const entry of observer.takeRecords()) tasks.push(entry.duration);
    observer.disconnect();
    return {
      longTaskMaxMs: tasks.length ? Math.max(...tasks) : 0,
      longTaskCount: tasks.length,
      heapPeakDeltaBytes: peak - base,
      heapPeakBytes: peak,
    };
  };
}

/** Lets the page run a garbage collection when Chromium exposes it (--js-flags=--expose-gc). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
