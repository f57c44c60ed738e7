import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from './index.js';

describe('stratifiedFolds', () => {
  const labels = [...new Array<number>(23).fill(0), ...new Array<number>(12).fill(1), ...new Array<number>(5).fill(2)];

  it('covers every row exactly once, keeps class shares and balances fold sizes', () => {
    const folds = stratifiedFolds(labels, 5, 7);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, row) => row));
    expect(folds.map((fold) => fold.length)).toEqual([8, 8, 8, 8, 8]);
    for (const fold of folds) {
      const count = (label: number) => fold.filter((row) => labels[row] === label).length;
      expect(count(0)).toBeGreaterThanOrEqual(4);
      expect(count(0)).toBeLessThanOrEqual(5);
      expect(count(1)).toBeGreaterThanOrEqual(2);
      expect(count(2)).toBe(1);
    }
  });

  it('is seeded: same seed same folds, another seed other folds', () => {
    expect(stratifiedFolds(labels, 4, 1)).toEqual(stratifiedFolds(labels, 4, 1));
    expect(stratifiedFolds(labels, 4, 1)).not.toEqual(stratifiedFolds(labels, 4, 2));
  });

  it.each([
    [1, /k-fold needs k >= 2 folds, got 1/],
    [2.5, /got 2.5/],
    [41, /41 folds need at least 41 rows; the data has 40/],
  ])('rejects k = %s', (k, message) => {
    expect(() => stratifiedFolds(labels, k)).toThrow(message);
  });
});
