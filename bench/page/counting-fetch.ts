/** HTTP requests a workload made, by path (query string left out). */
export type RequestCounts = Record<string, number>;

/**
 * A `fetch` that counts the requests it sends, so that every engine is counted the same way, and
 * sums the time each path's requests took until their answer's headers (`ms`): the time the
 * engine waited for the server, when it sends one request at a time.
 */
export function countingFetch(): {
  fetch: typeof fetch;
  counts: RequestCounts;
  ms: RequestCounts;
  total: () => number;
  reset: () => void;
} {
  const counts: RequestCounts = {};
  const ms: RequestCounts = {};
  const inner = globalThis.fetch.bind(globalThis);
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    counts[url.pathname] = (counts[url.pathname] ?? 0) + 1;
    const t0 = performance.now();
    const took = () => {
      ms[url.pathname] = (ms[url.pathname] ?? 0) + performance.now() - t0;
    };
    const response = inner(input, init);
    response.then(took, took);
    return response;
  };
  return {
    fetch: wrapped,
    counts,
    ms,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
      for (const key of Object.keys(ms)) delete ms[key];
    },
  };
}
