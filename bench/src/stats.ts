/** Small statistics helpers: medians over rounds, percentiles over samples. */

/** The value at quantile `q` (0..1) of `values`, by the nearest-rank method. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The middle value; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** (max − min) / median: how far apart the rounds were, as a fraction of the reported value. */
export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(m);
}

/**
 * a / b, robust to drift: the median of the per-round ratios when both were measured in the same
 * rounds (each pair ran back to back), else the ratio of the medians.
 */
export function pairedRatio(
  a: { value: number; samples: number[] },
  b: { value: number; samples: number[] },
): number {
  // Results written before per-round samples were kept have none.
  if (!a.samples?.length || a.samples.length !== b.samples?.length) return a.value / b.value;
  return median(a.samples.map((value, i) => value / b.samples[i]!));
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
