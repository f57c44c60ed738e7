import { DataError } from '@senti/errors';

/** Summary of a list of lengths (e.g. token counts per sentence). */
export interface LengthStatistics {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Median. */
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

function checkValues(values: readonly number[], what: string): void {
  if (values.length === 0)
    throw new DataError('DATA_BAD_ARGUMENT', `${what} needs at least one value; got none`, 'usage');
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0)
    throw new DataError('DATA_BAD_ARGUMENT', `value ${bad} is ${values[bad]}; ${what} needs finite numbers`, 'usage');
}

/** Percentile `p` (0..100) of sorted values, numpy's default 'linear' method with numpy's arithmetic order. */
function sortedPercentile(sorted: readonly number[], p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const low = sorted[below] as number;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  const fraction = position - below;
  const difference = high - low;
  // numpy's _lerp: interpolate from the nearer end so that t = 1 gives exactly `high`
  return fraction >= 0.5 ? high - difference * (1 - fraction) : low + difference * fraction;
}

/** The `p`-th percentile (0..100) of `values`, like `numpy.percentile(values, p)` (linear interpolation). */
export function percentile(values: readonly number[], p: number): number {
  checkValues(values, 'percentile');
  if (!(p >= 0 && p <= 100))
    throw new DataError('DATA_BAD_ARGUMENT', `percentile ${p} is out of range; expected 0..100`, 'usage');
  return sortedPercentile(
    [...values].sort((a, b) => a - b),
    p,
  );
}

/** Count, min, max, mean and the 50/90/95/99th percentiles of `values`. */
export function lengthStatistics(values: readonly number[]): LengthStatistics {
  checkValues(values, 'lengthStatistics');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p50: sortedPercentile(sorted, 50),
    p90: sortedPercentile(sorted, 90),
    p95: sortedPercentile(sorted, 95),
    p99: sortedPercentile(sorted, 99),
  };
}
