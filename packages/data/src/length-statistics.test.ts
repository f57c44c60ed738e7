import { describe, expect, it } from 'vitest';
import { pick } from './pick.js';
import { lengthStatistics, percentile } from './length-statistics.js';

const VALUES = [12, 7, 3, 25, 9, 9, 14, 31, 5, 18, 22];

describe('percentile', () => {
  it('matches numpy.percentile (linear)', () => {
    // np.percentile(VALUES, p) for p = 0, 50, 90, 95, 99, 100, 33.3
    expect([0, 50, 90, 95, 99, 100, 33.3].map((p) => percentile(VALUES, p))).toEqual([
      3, 12, 25, 28, 30.400000000000002, 31, 9,
    ]);
    expect(percentile([4], 50)).toBe(4);
    expect(percentile([1, 2], 25)).toBe(1.25);
  });

  it('rejects empty input and out-of-range p', () => {
    expect(() => percentile([], 50)).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
    expect(() => percentile([1], 101)).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
    expect(() => percentile([1, Number.NaN], 50)).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
  });
});

describe('lengthStatistics', () => {
  it('summarises lengths like numpy', () => {
    expect(lengthStatistics(VALUES)).toEqual({
      count: 11,
      min: 3,
      max: 31,
      mean: 14.090909090909092,
      p50: 12,
      p90: 25,
      p95: 28,
      p99: 30.400000000000002,
    });
  });
});

describe('pick', () => {
  it('selects items by index in order and rejects bad indices', () => {
    expect(pick(['a', 'b', 'c'], [2, 0, 2])).toEqual(['c', 'a', 'c']);
    expect(() => pick(['a'], [1])).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
  });
});
