import { histogram, lengthStatistics } from '@senti/data';
import { choosePaddingLength } from '@senti/tokenize';

/** The padding length and the token-length distribution it was chosen from. */
export interface MaxLengthChoice {
  maxLength: number;
  /** How it was chosen: `auto` (coverage), `fixed` (given) or `capped` (given, above what the model accepts). */
  mode: 'auto' | 'fixed' | 'capped';
  /** The length asked for (`auto` or a number). */
  requested: 'auto' | number;
  /** The longest input the model accepts. */
  modelMaxLength: number;
  /** Share of texts that fit without truncation at `maxLength`. */
  coverage: number;
  /** The share `auto` was asked to cover. */
  targetCoverage: number;
  statistics: ReturnType<typeof lengthStatistics>;
  bins: ReturnType<typeof histogram>;
}

/** The smallest padding length senti uses: [CLS], one token, [SEP]. */
const MIN_MAX_LENGTH = 3;

/** Chooses the padding length from token lengths (or checks a given one), capped at what the model accepts. */
export function chooseMaxLength(
  lengths: readonly number[],
  requested: 'auto' | number,
  coverage: number,
  modelMaxLength: number,
): MaxLengthChoice {
  const maxLength =
    // At least 3 (one token between [CLS] and [SEP]): what train accepts, even when every text tokenizes to nothing.
    requested === 'auto'
      ? Math.max(MIN_MAX_LENGTH, choosePaddingLength(lengths, { coverage, cap: modelMaxLength }))
      : Math.min(requested, modelMaxLength);
  const fitting = lengths.filter((length) => length <= maxLength).length;
  return {
    maxLength,
    mode: requested === 'auto' ? 'auto' : requested > modelMaxLength ? 'capped' : 'fixed',
    requested,
    modelMaxLength,
    coverage: lengths.length === 0 ? 1 : fitting / lengths.length,
    targetCoverage: coverage,
    statistics: lengthStatistics(lengths),
    bins: histogram(lengths, { maxBins: 24 }),
  };
}
