import { describe, expect, it } from 'vitest';
import { dropoutMask, dropoutMaskTransposed } from './dropout-mask.js';
import { seededRandom } from '@senti/base';

describe('dropoutMask', () => {
  it('draws the same mask as seededRandom (p of 0, else 1 / (1 - p))', () => {
    for (const [size, rate, seed] of [
      [1000, 0.1, 7],
      [333, 0.5, 2 ** 40 + 3],
      [64, 0, 1],
      [10, 0.999, 5],
    ] as const) {
      const random = seededRandom(seed);
      const expected = Float32Array.from({ length: size }, () => (random() < rate ? 0 : 1 / (1 - rate)));
      expect(dropoutMask(size, rate, seed)).toEqual(expected);
    }
  });

  it('stores the same mask transposed', () => {
    const rows = 5;
    const columns = 7;
    const mask = dropoutMask(rows * columns, 0.3, 11);
    const transposed = dropoutMaskTransposed(rows, columns, 0.3, 11);
    for (let i = 0; i < rows; i += 1) {
      for (let j = 0; j < columns; j += 1) expect(transposed[j * rows + i]).toBe(mask[i * columns + j]);
    }
  });
});
