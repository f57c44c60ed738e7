import { describe, expect, it } from 'vitest';
import { classCounts, classWeights } from './class-weights.js';

describe('classWeights', () => {
  it("equals sklearn compute_class_weight('balanced') on the tutorial's training labels", () => {
    const labels = [...new Array<number>(1047).fill(0), ...new Array<number>(1046).fill(1)];
    expect(classWeights(labels, 2)).toEqual([0.9995224450811844, 1.0004780114722753]);
  });

  it('gives rare classes larger weights', () => {
    expect(classWeights([0, 0, 0, 1], 2)).toEqual([4 / 6, 2]);
    expect(classCounts([2, 0, 2], 3)).toEqual([1, 0, 2]);
  });

  it('rejects a class with no rows and labels out of range', () => {
    expect(() => classWeights([0, 0, 2], 3)).toThrow(expect.objectContaining({ code: 'DATA_EMPTY_CLASS' }));
    expect(() => classWeights([0, 3], 2)).toThrow(expect.objectContaining({ code: 'DATA_BAD_LABEL' }));
  });
});
