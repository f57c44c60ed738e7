import { describe, expect, it } from 'vitest';
import { riskCoverage, riskCoverageCurve, thresholdForAccuracy } from './index.js';

// Five rows, top probabilities 0.95 (right), 0.9 (right), 0.8 (wrong), 0.7 (right), 0.6 (wrong).
const labels = [0, 1, 0, 1, 0];
const probabilities = [0.95, 0.05, 0.1, 0.9, 0.2, 0.8, 0.3, 0.7, 0.4, 0.6];

describe('risk-coverage', () => {
  it('counts the rows answered at each threshold and their accuracy', () => {
    const table = riskCoverage(labels, probabilities, 2, [0, 0.75, 0.85, 0.99]);
    expect(table.map((point) => [point.coverage, point.accuracy])).toEqual([
      [1, 0.6],
      [0.6, 2 / 3],
      [0.4, 1],
      [0, null],
    ]);
    expect(table[0]!.risk).toBeCloseTo(0.4, 15);
  });

  it('the curve has one point per distinct confidence, most confident first', () => {
    const curve = riskCoverageCurve(labels, probabilities, 2);
    expect(curve.map((point) => point.threshold)).toEqual([0.95, 0.9, 0.8, 0.7, 0.6]);
    expect(curve.map((point) => point.answered)).toEqual([1, 2, 3, 4, 5]);
    expect(riskCoverageCurve([0, 1], [0.7, 0.3, 0.7, 0.3], 2)).toHaveLength(1); // tied rows are answered together
  });

  it('picks the lowest threshold reaching the target accuracy (the highest coverage)', () => {
    expect(thresholdForAccuracy(labels, probabilities, 2, 0.95)).toEqual({
      threshold: 0.9,
      targetAccuracy: 0.95,
      accuracy: 1,
      coverage: 0.4,
    });
    expect(thresholdForAccuracy(labels, probabilities, 2, 0.75)).toEqual({
      threshold: 0.7,
      targetAccuracy: 0.75,
      accuracy: 0.75,
      coverage: 0.8,
    });
    expect(thresholdForAccuracy(labels, probabilities, 2, 0.5)?.threshold).toBe(0); // everything already meets it
    expect(thresholdForAccuracy([1], [0.9, 0.1], 2, 0.5)).toBeNull(); // not even the most confident row is right
  });

  it('rejects a target outside [0, 1]', () => {
    expect(() => thresholdForAccuracy(labels, probabilities, 2, 95)).toThrow(
      /targetAccuracy is 95; expected a number from 0 to 1/,
    );
  });
});
