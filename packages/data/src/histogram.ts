import { DataError } from '@senti/errors';

/** One histogram bar: values in [start, end) (the last bin also holds its end for non-integer data). */
export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

/** Options for {@link histogram}. */
export interface HistogramOptions {
  /** Width of every bin; by default 1 for integers with a small range, else widened to fit `maxBins`. */
  binWidth?: number;
  /** Most bins when `binWidth` is not given (default 30). */
  maxBins?: number;
}

/** Counts `values` into equal-width bins starting at the minimum; integer data gets integer-aligned bins. */
export function histogram(values: readonly number[], options: HistogramOptions = {}): HistogramBin[] {
  const maxBins = options.maxBins ?? 30;
  if (!Number.isInteger(maxBins) || maxBins < 1) {
    throw new DataError('DATA_BAD_ARGUMENT', `maxBins is ${maxBins}; expected a positive integer`, 'usage');
  }
  if (options.binWidth !== undefined && !(options.binWidth > 0 && Number.isFinite(options.binWidth))) {
    throw new DataError('DATA_BAD_ARGUMENT', `binWidth is ${options.binWidth}; expected a positive number`, 'usage');
  }
  if (values.length === 0) return [];
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0)
    throw new DataError('DATA_BAD_ARGUMENT', `value ${bad} is ${values[bad]}; histogram needs finite numbers`, 'usage');
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const integers = values.every(Number.isInteger);
  const width =
    options.binWidth ??
    (integers ? Math.max(1, Math.ceil((max - min + 1) / maxBins)) : max === min ? 1 : (max - min) / maxBins);
  const binCount =
    integers || options.binWidth !== undefined ? Math.floor((max - min) / width) + 1 : max === min ? 1 : maxBins;
  const bins = Array.from({ length: binCount }, (_, i): HistogramBin => ({
    start: min + i * width,
    end: min + (i + 1) * width,
    count: 0,
  }));
  for (const value of values) {
    const index = Math.min(binCount - 1, Math.floor((value - min) / width));
    (bins[index] as HistogramBin).count++;
  }
  return bins;
}
