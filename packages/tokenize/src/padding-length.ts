import { TokenizeError } from '@senti/errors';

/** The share of texts a chosen padding length fits whole unless told otherwise (the `coverage` setting's default too). */
export const DEFAULT_COVERAGE = 0.95;

/** Options for {@link choosePaddingLength}. */
export interface ChoosePaddingLengthOptions {
  /** Fraction of texts that must fit without truncation, in (0, 1]; default `DEFAULT_COVERAGE`. */
  coverage?: number;
  /** Upper bound, usually the model's maximum input length. */
  cap?: number;
}

/** The smallest padding length that fits at least `coverage` of the texts whole, capped by `cap`. */
export function choosePaddingLength(lengths: readonly number[], options: ChoosePaddingLengthOptions = {}): number {
  const coverage = options.coverage ?? DEFAULT_COVERAGE;
  if (!(coverage > 0 && coverage <= 1)) {
    throw new TokenizeError('TOKENIZE_BAD_COVERAGE', `coverage must be in (0, 1], got ${coverage}`, 'usage');
  }
  if (options.cap !== undefined && !(options.cap >= 1)) {
    throw new TokenizeError('TOKENIZE_BAD_CAP', `cap must be a positive integer, got ${options.cap}`, 'usage');
  }
  if (lengths.length === 0) {
    throw new TokenizeError('TOKENIZE_NO_TEXTS', 'cannot choose a padding length from zero texts', 'input');
  }
  const sorted = Float64Array.from(lengths).sort();
  // The k-th smallest length, k = ceil(coverage * n), covers k texts; rounding guards against 0.95 * 100 = 95.00000000000001.
  const needed = Math.max(1, Math.ceil(Number((coverage * sorted.length).toFixed(9))));
  const length = Math.ceil(sorted[needed - 1] ?? 1);
  return options.cap === undefined ? length : Math.min(length, Math.floor(options.cap));
}
