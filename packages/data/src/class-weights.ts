import { DataError } from '@senti/errors';

/** Counts of each class 0..numClasses-1 in `labels`. */
export function classCounts(labels: readonly number[], numClasses: number): number[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new DataError('DATA_BAD_ARGUMENT', `numClasses is ${numClasses}; expected a positive integer`, 'usage');
  }
  const counts = new Array<number>(numClasses).fill(0);
  labels.forEach((label, row) => {
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new DataError(
        'DATA_BAD_LABEL',
        `label at row ${row} is ${label}; expected an integer in 0..${numClasses - 1}`,
        'usage',
      );
    }
    counts[label] = (counts[label] as number) + 1;
  });
  return counts;
}

/**
 * Per-class loss weights n_samples / (n_classes * count_c), scikit-learn's `compute_class_weight('balanced')` (the one
 * implementation in senti). `labelNames` name the classes in the error for a class with no rows.
 */
export function classWeights(
  labels: readonly number[],
  numClasses: number,
  options: { labelNames?: readonly string[]; where?: string } = {},
): number[] {
  const counts = classCounts(labels, numClasses);
  const missing = counts.findIndex((count) => count === 0);
  if (missing >= 0) {
    const name = options.labelNames?.[missing];
    const label = name === undefined ? `class ${missing}` : `label "${name}"`;
    throw new DataError(
      'DATA_EMPTY_CLASS',
      `${label} has no rows in ${options.where ?? 'these labels'}; balanced class weights need every class present (add rows of that label, or drop it from the data)`,
    );
  }
  return counts.map((count) => labels.length / (numClasses * count));
}
