import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stratifiedSplit, type SplitIndices } from './stratified-split.js';

interface SplitCase {
  class_counts: number[];
  val: number;
  test: number;
  sizes: number[];
  counts: number[][] | null;
  possible_counts: number[][][];
}
const oracle = JSON.parse(readFileSync(new URL('./testdata/sklearn-splits.json', import.meta.url), 'utf8')) as {
  cases: SplitCase[];
};

function labelsFor(counts: readonly number[]): number[] {
  return counts.flatMap((count, label) => new Array<number>(count).fill(label));
}

function perClass(split: SplitIndices, labels: readonly number[], numClasses: number): number[][] {
  return [split.train, split.val, split.test].map((rows) => {
    const counts = new Array<number>(numClasses).fill(0);
    for (const row of rows) counts[labels[row] as number]! += 1;
    return counts;
  });
}

describe('stratifiedSplit', () => {
  it.each(oracle.cases.map((c) => [c.class_counts.join('/'), c] as const))(
    'matches scikit-learn for classes %s',
    (_, c) => {
      const labels = labelsFor(c.class_counts);
      const split = stratifiedSplit(labels, { train: 1 - c.val - c.test, val: c.val, test: c.test, seed: 2021 });
      expect([split.train.length, split.val.length, split.test.length]).toEqual(c.sizes);
      const counts = perClass(split, labels, c.class_counts.length);
      if (c.counts) expect(counts).toEqual(c.counts);
      else expect(c.possible_counts).toContainEqual(counts);
    },
  );

  it('reproduces the tutorial split sizes 2093/448/449 with defaults', () => {
    const labels = labelsFor([1496, 1494]);
    const split = stratifiedSplit(labels);
    expect(perClass(split, labels, 2)).toEqual([
      [1047, 1046],
      [224, 224],
      [225, 224],
    ]);
  });

  it('is a partition of all rows, the same for the same seed, different for another', () => {
    const labels = Array.from({ length: 500 }, (_, i) => (i * 7) % 3);
    const split = stratifiedSplit(labels, { seed: 1 });
    const all = [...split.train, ...split.val, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(labels.map((_, i) => i));
    expect(stratifiedSplit(labels, { seed: 1 })).toEqual(split);
    expect(stratifiedSplit(labels, { seed: 2 }).train).not.toEqual(split.train);
  });

  it('names a class too small to reach every split', () => {
    const labels = [...new Array<number>(40).fill(0), 1, 1];
    expect(() => stratifiedSplit(labels)).toThrow(expect.objectContaining({ code: 'DATA_CLASS_TOO_SMALL' }));
    expect(() => stratifiedSplit(labels, { labelNames: ['neg', 'pos'] })).toThrow(/class "pos" \(1\) has only 2 rows;/);
  });

  it('splits 400k rows without overflowing the call stack (no spreading of a class into push)', () => {
    const labels = Array.from({ length: 400_000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const split = stratifiedSplit(labels);
    expect([split.train.length, split.val.length, split.test.length]).toEqual([280_000, 60_000, 60_000]);
    expect(split.test.filter((row) => labels[row] === 1)).toHaveLength(6_000);
  });

  it('validates ratios and labels', () => {
    const labels = labelsFor([20, 20]);
    expect(() => stratifiedSplit(labels, { train: 0.8, val: 0.15, test: 0.15 })).toThrow(
      expect.objectContaining({ code: 'DATA_BAD_SPLIT' }),
    );
    expect(() => stratifiedSplit(labels, { train: 0.85, val: 0, test: 0.15 })).toThrow(
      expect.objectContaining({ code: 'DATA_BAD_SPLIT' }),
    );
    expect(() => stratifiedSplit(labels, { train: Number.NaN })).toThrow(
      expect.objectContaining({ code: 'DATA_BAD_SPLIT' }),
    );
    expect(() => stratifiedSplit([0, 1.5, 1])).toThrow(expect.objectContaining({ code: 'DATA_BAD_LABEL' }));
    expect(() => stratifiedSplit([])).toThrow(expect.objectContaining({ code: 'DATA_NO_ROWS' }));
  });
});
