import { describe, expect, it } from 'vitest';
import { approximateMode } from './approximate-mode.js';
import { createRandom } from '@senti/base';

describe('approximateMode (sklearn _approximate_mode)', () => {
  it('floors the shares and gives the remainder to the largest fractional parts', () => {
    // 1496/2990 * 2093 = 1047.2, 1494/2990 * 2093 = 1045.8 -> [1047, 1046]
    expect(approximateMode([1496, 1494], 2093, createRandom(0))).toEqual([1047, 1046]);
    // sklearn docstring example: two of the three tied classes (remainder 4/7) get one, the last (2/7) none
    const tied = approximateMode([2, 2, 2, 1], 2, createRandom(0));
    expect(tied[3]).toBe(0);
    expect(tied.filter((count) => count === 1)).toHaveLength(2);
    expect(approximateMode([1, 2, 3, 4], 5, createRandom(0)).reduce((a, b) => a + b)).toBe(5);
  });

  it('breaks ties between equal remainders with the seeded generator, deterministically', () => {
    const draws = (seed: number): number[] => approximateMode([2, 2, 2, 2], 3, createRandom(seed));
    expect(draws(5)).toEqual(draws(5));
    expect(draws(5).reduce((a, b) => a + b)).toBe(3);
    expect(draws(5).every((count) => count === 0 || count === 1)).toBe(true);
    const outcomes = new Set(Array.from({ length: 20 }, (_, seed) => draws(seed).join()));
    expect(outcomes.size).toBeGreaterThan(1);
  });
});
