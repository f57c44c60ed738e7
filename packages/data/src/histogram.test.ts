import { describe, expect, it } from 'vitest';
import { histogram } from './histogram.js';

describe('histogram', () => {
  it('uses one bin per integer when the range is small', () => {
    expect(histogram([3, 5, 5, 4, 3, 5])).toEqual([
      { start: 3, end: 4, count: 2 },
      { start: 4, end: 5, count: 1 },
      { start: 5, end: 6, count: 3 },
    ]);
  });

  it('widens integer bins to stay within maxBins', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // range 1..100
    const bins = histogram(values);
    expect(bins.length).toBeLessThanOrEqual(30);
    expect(bins[0]).toEqual({ start: 1, end: 5, count: 4 });
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(100);
    expect(histogram(values, { maxBins: 10 })).toHaveLength(10);
  });

  it('honours an explicit bin width', () => {
    expect(histogram([0, 1, 2, 3, 4, 5], { binWidth: 2 })).toEqual([
      { start: 0, end: 2, count: 2 },
      { start: 2, end: 4, count: 2 },
      { start: 4, end: 6, count: 2 },
    ]);
  });

  it('splits non-integer data into maxBins equal bins, the last one closed', () => {
    const bins = histogram([0, 0.5, 1], { maxBins: 2 });
    expect(bins).toEqual([
      { start: 0, end: 0.5, count: 1 },
      { start: 0.5, end: 1, count: 2 },
    ]);
  });

  it('handles empty and constant input, rejects bad options', () => {
    expect(histogram([])).toEqual([]);
    expect(histogram([7, 7])).toEqual([{ start: 7, end: 8, count: 2 }]);
    expect(() => histogram([1], { maxBins: 0 })).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
    expect(() => histogram([1], { binWidth: -1 })).toThrow(expect.objectContaining({ code: 'DATA_BAD_ARGUMENT' }));
  });
});
