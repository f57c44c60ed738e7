import { describe, expect, it } from 'vitest';
import { createRandom, shuffleInPlace } from './seeded-random.js';

describe('createRandom (mulberry32)', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = createRandom(2021);
    const b = createRandom(2021);
    const c = createRandom(2022);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const random = createRandom(1);
    const values = Array.from({ length: 10_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(0.5, 1);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = shuffleInPlace([...items], createRandom(7));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(shuffleInPlace([...items], createRandom(7))).toEqual(shuffled);
  });
});
