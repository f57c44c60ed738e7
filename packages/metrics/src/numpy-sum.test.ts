import { describe, expect, it } from 'vitest';
import { numpyAverage, pairwiseSum } from './numpy-sum.js';

describe('pairwiseSum', () => {
  it('sums short arrays in order', () => {
    expect(pairwiseSum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
  });

  it('uses eight accumulators from 8 values on, like numpy', () => {
    // np.sum of these is 4.2700000000000005 while a left-to-right loop gives 4.27
    const values = [0.19, 0.08, 0.86, 0.86, 0.88, 0.47, 0.27, 0.01, 0.65];
    expect(pairwiseSum(values)).toBe(4.2700000000000005);
    expect(values.reduce((sum, value) => sum + value, 0)).toBe(4.27);
  });

  it('averages with weights like np.average', () => {
    expect(numpyAverage([1, 2, 3], [1, 1, 2])).toBe(9 / 4);
    expect(numpyAverage([1, 2, 3])).toBe(2);
  });
});
