import { MetricsError } from '@senti/errors';

/** Checks that `values` holds only non-negative integer class indices and returns them as a plain array. */
export function toLabelArray(values: ArrayLike<number>, name: string): number[] {
  const labels = Array.from(values);
  for (let i = 0; i < labels.length; i++) {
    const value = labels[i] as number;
    if (!Number.isInteger(value) || value < 0) {
      throw new MetricsError(
        'METRICS_BAD_LABEL',
        `${name}[${i}] is ${String(value)}; expected a non-negative integer class index`,
      );
    }
  }
  return labels;
}

/** Validates a pair of label arrays: same length, not empty, integer class indices. */
export function toLabelPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): { yTrue: number[]; yPred: number[] } {
  if (yTrue.length !== yPred.length) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `yTrue has ${yTrue.length} labels but yPred has ${yPred.length}; expected the same length`,
    );
  }
  if (yTrue.length === 0) {
    throw new MetricsError('METRICS_EMPTY_INPUT', 'yTrue and yPred are empty; expected at least one label');
  }
  return { yTrue: toLabelArray(yTrue, 'yTrue'), yPred: toLabelArray(yPred, 'yPred') };
}

/** Checks that `numClasses` is a positive integer. */
export function checkNumClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new MetricsError(
      'METRICS_BAD_OPTION',
      `numClasses is ${String(numClasses)}; expected a positive integer`,
      'usage',
    );
  }
}

/** The largest label (-Infinity for none), by a loop: spreading 100k+ labels into Math.max overflows the call stack. */
export function largestOf(labels: ArrayLike<number>): number {
  let largest = -Infinity;
  for (let i = 0; i < labels.length; i++) largest = Math.max(largest, labels[i]!);
  return largest;
}
