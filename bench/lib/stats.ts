/** Median, min and max of the repeated runs of one figure. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** The value at quantile `q` (0..1) of `samples`, by linear interpolation between ranks. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

/** Spread of repeated runs (the median is what tables show; min and max say how much runs vary). */
export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('spread of no samples');
  return {
    median: quantile(samples, 0.5),
    min: Math.min(...samples),
    max: Math.max(...samples),
    runs: samples.length,
  };
}

/** Spread of one field over several run records. */
export function spreadOf<T>(runs: readonly T[], pick: (run: T) => number): Spread {
  return spread(runs.map(pick));
}

/** `ours / limit`, the figure the goals are written in. */
export function ratio(ours: number, limit: number): number {
  return limit > 0 ? ours / limit : Number.POSITIVE_INFINITY;
}
