import { describe, expect, it } from 'vitest';
import { confidentLearning } from './confident-learning.js';

describe('confidentLearning', () => {
  it('flags rows below their class threshold with another class above its own, largest margin first', () => {
    // Class 0 rows: p0 = 0.9, 0.8, 0.1 (t0 = 0.6); class 1 rows: p1 = 0.7, 0.9, 0.2, 0.35 (t1 = 0.5375).
    const labels = [0, 0, 0, 1, 1, 1, 1];
    const probabilities = [0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.3, 0.7, 0.1, 0.9, 0.8, 0.2, 0.65, 0.35];
    const { thresholds, flagged } = confidentLearning(labels, probabilities, 2);
    expect(thresholds[0]).toBeCloseTo(0.6, 12);
    expect(thresholds[1]).toBeCloseTo(0.5375, 12);
    // Row 2 (given 0, p0 0.1 < 0.6, p1 0.9 >= 0.55), row 5 (given 1, p1 0.2, p0 0.8 >= 0.6), row 6 (given 1, p1 0.35, p0 0.65 >= 0.6).
    expect(flagged.map((row) => [row.index, row.given, row.suggested])).toEqual([[2, 0, 1], [5, 1, 0], [6, 1, 0]]);
    expect(flagged[0]!.margin).toBeCloseTo(0.8, 12);
    expect(flagged[2]!.margin).toBeCloseTo(0.3, 12);
  });

  it('suggests the most probable class among those above their thresholds, and never flags a row at its own threshold', () => {
    const labels = [0, 1, 2, 0];
    const probabilities = [0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.2, 0.45, 0.35];
    const { flagged } = confidentLearning(labels, probabilities, 3);
    // t0 = 0.5, t1 = 0.8, t2 = 0.8: row 3 has p0 0.2 < 0.5 but neither p1 0.45 nor p2 0.35 reaches its threshold.
    expect(flagged).toEqual([]);
    expect(confidentLearning([0, 0], [0.5, 0.5, 0.5, 0.5], 2).flagged).toEqual([]);
  });
});
