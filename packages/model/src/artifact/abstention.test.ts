import { describe, expect, it } from 'vitest';
import { abstainBelow } from './abstention.js';
import { toPredictions } from './predictions.js';

const predictions = toPredictions(new Float32Array([0.9, 0.1, 0.55, 0.45, 0.3, 0.7]), ['negative', 'positive']);

describe('abstainBelow', () => {
  it('withholds the label of texts whose top probability is below the threshold, keeping the probabilities', () => {
    const answered = abstainBelow(predictions, 0.6);
    expect(answered.map((prediction) => [prediction.label, prediction.labelIndex, prediction.abstained])).toEqual([
      ['negative', 0, false],
      [null, null, true],
      ['positive', 1, false],
    ]);
    expect(answered[1]!.probabilities.negative).toBeCloseTo(0.55, 6);
    expect(answered[1]!.score).toBeCloseTo(0.55, 6);
  });

  it('answers everything without a threshold or at 0, and a score equal to the threshold is answered', () => {
    expect(abstainBelow(predictions, undefined).every((prediction) => !prediction.abstained)).toBe(true);
    expect(abstainBelow(predictions, 0).every((prediction) => !prediction.abstained)).toBe(true);
    expect(abstainBelow(predictions, predictions[2]!.score)[2]!.abstained).toBe(false);
  });

  it.each([[1.5], [-0.1], [Number.NaN]])('rejects threshold %s with one clear line', (threshold) => {
    expect(() => abstainBelow(predictions, threshold)).toThrow(/threshold is .*; expected a probability from 0 to 1/);
  });
});
