/** HTTP requests a workload made, by path (query string left out). */
export type RequestCounts = Record<string, number>;

/** A `fetch` that counts the requests it sends, so that every engine is counted the same way. */
export function countingFetch(): {
  fetch: typeof fetch;
  counts: RequestCounts;
  total: () => number;
  reset: () => void;
} {
  const counts: RequestCounts = {};
  const inner = globalThis.fetch.bind(globalThis);
  const wrapped: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    counts[url.pathname] = (counts[url.pathname] ?? 0) + 1;
    return inner(input, init);
  };
  return {
    fetch: wrapped,
    counts,
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      for (const key of Object.keys(counts)) delete counts[key];
    },
  };
}
