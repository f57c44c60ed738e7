import { DataError, quote } from '@senti/errors';
import { approximateMode } from './approximate-mode.js';
import { createRandom, DEFAULT_SEED, type RandomSource, shuffleInPlace } from '@senti/base';

/** Row indices of each split. */
export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

/** Options for {@link stratifiedSplit}. */
export interface StratifiedSplitOptions {
  /** Fraction of rows for training (default 0.7). */
  train?: number;
  /** Fraction of rows for validation (default 0.15). */
  val?: number;
  /** Fraction of rows for the test set (default 0.15). */
  test?: number;
  /** Seed of the shuffles and tie-breaks (default `DEFAULT_SEED` of @senti/base, the tutorial's `random_state`). */
  seed?: number;
  /** Class names, used only to name a class in error messages. */
  labelNames?: readonly string[];
}

/** `ceil(fraction * n)`, scikit-learn's test size (in the same float arithmetic, so 0.1 + 0.2 behaves as in Python). */
function heldOutSize(fraction: number, n: number): number {
  return Math.ceil(fraction * n);
}

function checkRatios(train: number, val: number, test: number): void {
  for (const [name, value] of [
    ['train', train],
    ['val', val],
    ['test', test],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new DataError('DATA_BAD_SPLIT', `split ratio ${name} is ${value}; expected a positive fraction`, 'usage');
    }
  }
  if (Math.abs(train + val + test - 1) > 1e-9) {
    throw new DataError(
      'DATA_BAD_SPLIT',
      `split ratios ${train}/${val}/${test} add up to ${train + val + test}; expected 1`,
      'usage',
    );
  }
}

/** Per-class counts of a two-way split where `heldOut` rows go to the second part (sklearn StratifiedShuffleSplit). */
function divide(counts: readonly number[], heldOut: number, random: RandomSource): [number[], number[]] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const first = approximateMode(counts, total - heldOut, random);
  return [first, counts.map((count, i) => count - (first[i] as number))];
}

/**
 * Splits row indices into train/val/test with the class proportions of `labels` kept in each part. Sizes and
 * per-class counts equal scikit-learn's two `train_test_split(..., stratify=y)` calls (first val+test held out,
 * then split by test/(val+test)); the order of rows within a split is shuffled. Same seed, same split.
 */
export function stratifiedSplit(labels: readonly number[], options: StratifiedSplitOptions = {}): SplitIndices {
  const { train = 0.7, val = 0.15, test = 0.15, seed = DEFAULT_SEED } = options;
  checkRatios(train, val, test);
  if (labels.length === 0)
    throw new DataError('DATA_NO_ROWS', 'no rows to split; expected at least one label', 'usage');
  const byClass = new Map<number, number[]>();
  labels.forEach((label, row) => {
    if (!Number.isInteger(label) || label < 0) {
      throw new DataError(
        'DATA_BAD_LABEL',
        `label at row ${row} is ${label}; expected a non-negative integer class index`,
        'usage',
      );
    }
    const rows = byClass.get(label);
    if (rows) rows.push(row);
    else byClass.set(label, [row]);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const counts = classes.map((label) => (byClass.get(label) as number[]).length);
  const describe = (label: number): string =>
    options.labelNames?.[label] === undefined ? String(label) : `${quote(options.labelNames[label])} (${label})`;
  const random = createRandom(seed);
  const [trainCounts, restCounts] = divide(counts, heldOutSize(val + test, labels.length), random);
  const restTotal = labels.length - trainCounts.reduce((sum, count) => sum + count, 0);
  const [valCounts, testCounts] = divide(restCounts, heldOutSize(test / (val + test), restTotal), random);
  classes.forEach((label, i) => {
    if ([trainCounts, valCounts, testCounts].some((split) => split[i] === 0)) {
      throw new DataError(
        'DATA_CLASS_TOO_SMALL',
        `class ${describe(label)} has only ${counts[i]} ${counts[i] === 1 ? 'row' : 'rows'}; too few for a stratified ${train}/${val}/${test} split with at least one row of it in train, val and test`,
      );
    }
  });
  const result: SplitIndices = { train: [], val: [], test: [] };
  classes.forEach((label, i) => {
    const rows = shuffleInPlace([...(byClass.get(label) as number[])], random);
    const trainEnd = trainCounts[i] as number;
    const valEnd = trainEnd + (valCounts[i] as number);
    // Element by element: spreading a class of 100k+ rows into push() overflows the call stack.
    rows.forEach((row, position) => {
      (position < trainEnd ? result.train : position < valEnd ? result.val : result.test).push(row);
    });
  });
  shuffleInPlace(result.train, random);
  shuffleInPlace(result.val, random);
  shuffleInPlace(result.test, random);
  return result;
}
