import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './index.js';

interface AucCase {
  name: string;
  y_true: number[];
  probabilities: number[];
  num_classes: number;
  auc: number;
}
const sklearn = JSON.parse(readFileSync(new URL('./testdata/sklearn-cases.json', import.meta.url), 'utf8')) as {
  roc_auc: AucCase[];
};

/** Rows [1 - p, p] for binary scores. */
function binaryRows(scores: number[]): number[] {
  return scores.flatMap((score) => [1 - score, score]);
}

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([0, 0, 1, 1], binaryRows([0.1, 0.2, 0.8, 0.9]), 2)).toBe(1);
    expect(rocAuc([1, 1, 0, 0], binaryRows([0.1, 0.2, 0.8, 0.9]), 2)).toBe(0);
  });

  it('counts ties as one half (hand-computed)', () => {
    // positives 0.5, 0.8; negatives 0.5, 0.2: pairs (0.5>0.2)=1, (0.5=0.5)=0.5, (0.8>0.5)=1, (0.8>0.2)=1 -> 3.5 / 4
    expect(rocAuc([1, 1, 0, 0], binaryRows([0.5, 0.8, 0.5, 0.2]), 2)).toBe(0.875);
    // every score equal -> 0.5
    expect(rocAuc([0, 1, 0, 1], binaryRows([0.3, 0.3, 0.3, 0.3]), 2)).toBe(0.5);
  });

  it('averages one-vs-rest AUCs for 3 classes (hand-computed)', () => {
    const probabilities = [0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.4, 0.4, 0.2];
    // labels [0,1,2,2]: class 0 -> 3/3, class 1 -> 3/3, class 2: positives {.6,.2} vs negatives {.1,.3} -> 3/4
    expect(rocAuc([0, 1, 2, 2], probabilities, 3)).toBeCloseTo((1 + 1 + 0.75) / 3, 15);
    // labels [1,1,2,0]: class 0: {.4} vs {.7,.2,.1} -> 2/3; class 1: {.2,.5} vs {.3,.4} -> 2/4; class 2 -> 1
    expect(rocAuc([1, 1, 2, 0], probabilities, 3)).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 15);
  });

  it.each(sklearn.roc_auc.map((c) => [c.name, c] as const))('matches scikit-learn: %s', (_, c) => {
    expect(rocAuc(c.y_true, c.probabilities, c.num_classes)).toBeCloseTo(c.auc, 12);
  });

  it('accepts a Float32Array of probabilities', () => {
    expect(rocAuc([0, 1], new Float32Array([0.9, 0.1, 0.2, 0.8]), 2)).toBe(1);
  });

  it('rejects a class missing from yTrue and mismatched shapes', () => {
    expect(() => rocAuc([0, 0], binaryRows([0.1, 0.2]), 2)).toThrow(
      expect.objectContaining({ code: 'METRICS_CLASS_ABSENT' }),
    );
    expect(() => rocAuc([0, 1], [0.5, 0.5, 0.5], 2)).toThrow(
      expect.objectContaining({ code: 'METRICS_LENGTH_MISMATCH' }),
    );
    expect(() => rocAuc([], [], 2)).toThrow(expect.objectContaining({ code: 'METRICS_EMPTY_INPUT' }));
    expect(() => rocAuc([0, 3], binaryRows([0.1, 0.2]), 2)).toThrow(
      expect.objectContaining({ code: 'METRICS_LABEL_OUT_OF_RANGE' }),
    );
    expect(() => rocAuc([0, 1], [0.5, Number.NaN, 0.5, 0.5], 2)).toThrow(
      expect.objectContaining({ code: 'METRICS_BAD_SCORE' }),
    );
  });
});
