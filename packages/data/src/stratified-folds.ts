import { DataError } from '@senti/errors';
import { createRandom, DEFAULT_SEED, shuffleInPlace } from '@senti/base';

/**
 * Splits row indices into `k` folds with each class spread evenly (stratified k-fold): every class's rows are
 * shuffled (seeded) and dealt to the folds in turn, continuing where the previous class stopped, so fold sizes
 * differ by at most one and each fold holds about 1/k of every class. Each fold's indices are sorted. Same seed,
 * same folds.
 */
export function stratifiedFolds(labels: readonly number[], k: number, seed = DEFAULT_SEED): number[][] {
  if (!Number.isInteger(k) || k < 2)
    throw new DataError('DATA_BAD_SPLIT', `k-fold needs k >= 2 folds, got ${String(k)}`, 'usage');
  if (labels.length < k)
    throw new DataError('DATA_BAD_SPLIT', `${k} folds need at least ${k} rows; the data has ${labels.length}`, 'usage');
  const byClass = new Map<number, number[]>();
  labels.forEach((label, row) => {
    if (!Number.isInteger(label) || label < 0)
      throw new DataError('DATA_BAD_LABEL', `label of row ${row} is ${String(label)}; expected a class index`, 'usage');
    const rows = byClass.get(label);
    if (rows === undefined) byClass.set(label, [row]);
    else rows.push(row);
  });
  const random = createRandom(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(label)!;
    shuffleInPlace(rows, random);
    for (const row of rows) {
      folds[next]!.push(row);
      next = (next + 1) % k;
    }
  }
  return folds.map((fold) => fold.sort((a, b) => a - b));
}
