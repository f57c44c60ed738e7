import { histogram, lengthStatistics } from '@senti/data';
import { choosePaddingLength } from '@senti/tokenize';

/** The padding length and the token-length distribution it was chosen from. */
export interface MaxLengthChoice {
  maxLength: number;
  /** How it was chosen: `auto` (coverage) or `fixed` (given). */
  mode: 'auto' | 'fixed';
  /** Share of training texts that fit without truncation at `maxLength`. */
  coverage: number;
  /** The share `auto` was asked to cover. */
  targetCoverage: number;
  statistics: ReturnType<typeof lengthStatistics>;
  bins: ReturnType<typeof histogram>;
}

/** Chooses the padding length from training texts' token lengths (or checks a given one), capped by the model. */
export function chooseMaxLength(lengths: readonly number[], requested: 'auto' | number, coverage: number, modelMaxLength: number): MaxLengthChoice {
  const maxLength =
    requested === 'auto' ? choosePaddingLength(lengths, { coverage, cap: modelMaxLength }) : Math.min(requested, modelMaxLength);
  const fitting = lengths.filter((length) => length <= maxLength).length;
  return {
    maxLength,
    mode: requested === 'auto' ? 'auto' : 'fixed',
    coverage: lengths.length === 0 ? 1 : fitting / lengths.length,
    targetCoverage: coverage,
    statistics: lengthStatistics(lengths),
    bins: histogram(lengths, { maxBins: 24 }),
  };
}
