import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { confidentLearning, roundPreservingSum } from './confident-learning.js';

interface ReferenceCase {
  name: string;
  numClasses: number;
  labels: number[];
  probabilities: number[];
  thresholds: number[];
  confidentJoint: number[][];
  calibratedJoint: number[][];
  noiseRate: number;
  estimatedIssues: number;
  issues: number[];
  suggested: number[];
}

// Made by scripts/confident-learning-reference.py: cleanlab's default find_label_issues in numpy, on fixed probabilities.
const reference = JSON.parse(readFileSync(new URL('./confident-learning-reference.json', import.meta.url), 'utf8')) as {
  cases: ReferenceCase[];
};

describe('confidentLearning', () => {
  it.each(reference.cases.map((item) => [item.name, item] as const))(
    "matches the numpy reference of cleanlab's default: %s",
    (_name, item) => {
      const result = confidentLearning(item.labels, item.probabilities, item.numClasses);
      result.thresholds.forEach((threshold, label) => expect(threshold).toBeCloseTo(item.thresholds[label]!, 12));
      expect(result.confidentJoint).toEqual(item.confidentJoint);
      expect(result.calibratedJoint).toEqual(item.calibratedJoint);
      expect(result.noiseRate).toBeCloseTo(item.noiseRate, 12);
      expect(result.estimatedIssues).toBe(item.estimatedIssues);
      expect(result.flagged.map((row) => row.index)).toEqual(item.issues);
      expect(result.flagged.map((row) => row.suggested)).toEqual(item.suggested);
    },
  );

  it('prunes as many rows as the calibrated joint estimates, by margin: a flip the model is unsure of is found too', () => {
    // Labelled 0: five sure rows, four unsure ones (p0 0.6 < t0 0.669), a confident flip (p1 0.99 >= t1 0.98) and an
    // unsure flip (p1 0.8 < t1). Only 6 of the 11 rows are confidently counted, so C[0] = [5, 1] calibrates to [9, 2]:
    // two rows of class 0 are estimated to be 1s, and the two largest p1 - p0 are both flips. The rule "p_i < t_i and
    // p_j >= t_j" found only the first.
    const rows: [number, number, number][] = [
      ...Array.from({ length: 5 }, () => [0, 0.95, 0.05] as [number, number, number]),
      ...Array.from({ length: 4 }, () => [0, 0.6, 0.4] as [number, number, number]),
      [0, 0.01, 0.99],
      [0, 0.2, 0.8],
      ...Array.from({ length: 6 }, () => [1, 0.02, 0.98] as [number, number, number]),
    ];
    const result = confidentLearning(
      rows.map((row) => row[0]),
      rows.flatMap((row) => [row[1], row[2]]),
      2,
    );
    expect(result.thresholds[0]).toBeCloseTo(7.36 / 11, 12);
    expect(result.thresholds[1]).toBeCloseTo(0.98, 12);
    expect(result.confidentJoint).toEqual([
      [5, 1],
      [0, 6],
    ]);
    expect(result.calibratedJoint).toEqual([
      [9, 2],
      [0, 6],
    ]);
    expect(result.estimatedIssues).toBe(2);
    expect(result.noiseRate).toBeCloseTo(2 / 17, 12);
    expect(result.flagged.map((row) => [row.index, row.given, row.suggested])).toEqual([
      [9, 0, 1],
      [10, 0, 1],
    ]);
    expect(result.flagged[0]!.margin).toBeCloseTo(0.98, 12);
  });

  it('flags the estimated count per (given, true) pair, largest margin first, and estimates the noise rate', () => {
    // Class 0 rows: p0 = 0.9, 0.8, 0.1 (t0 = 0.6); class 1 rows: p1 = 0.7, 0.9, 0.2, 0.35 (t1 = 0.5375).
    // Confident joint [[2, 1], [2, 2]] (rows 5 and 6 are confidently 0): 3 of 7 labels estimated wrong.
    const labels = [0, 0, 0, 1, 1, 1, 1];
    const probabilities = [0.9, 0.1, 0.8, 0.2, 0.1, 0.9, 0.3, 0.7, 0.1, 0.9, 0.8, 0.2, 0.65, 0.35];
    const result = confidentLearning(labels, probabilities, 2);
    expect(result.thresholds[0]).toBeCloseTo(0.6, 12);
    expect(result.thresholds[1]).toBeCloseTo(0.5375, 12);
    expect(result.calibratedJoint).toEqual([
      [2, 1],
      [2, 2],
    ]);
    expect(result.joint[0]![1]).toBeCloseTo(1 / 7, 12);
    expect(result.noiseRate).toBeCloseTo(3 / 7, 12);
    expect(result.flagged.map((row) => [row.index, row.given, row.suggested])).toEqual([
      [2, 0, 1],
      [5, 1, 0],
      [6, 1, 0],
    ]);
    expect(result.flagged[0]!.margin).toBeCloseTo(0.8, 12);
    expect(result.flagged[2]!.margin).toBeCloseTo(0.3, 12);
  });

  it('never flags a row whose given label is the most probable, and flags nothing when nothing is confidently elsewhere', () => {
    expect(confidentLearning([0, 0], [0.5, 0.5, 0.5, 0.5], 2).flagged).toEqual([]);
    const clean = confidentLearning([0, 1, 0, 1], [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6], 2);
    expect(clean.flagged).toEqual([]);
    expect(clean.noiseRate).toBe(0);
  });
});

describe("roundPreservingSum (cleanlab's)", () => {
  it('rounds half to even, then moves the total onto the rounded sum', () => {
    expect(roundPreservingSum([2.5, 1.5, 1])).toEqual([2, 2, 1]);
    expect(roundPreservingSum([0.5, 0.5])).toEqual([0, 1]);
    expect(roundPreservingSum([9.1667, 1.8333])).toEqual([9, 2]);
    expect(roundPreservingSum([0.4, 0.4, 0.4, 1.8])).toEqual([0, 0, 1, 2]); // numpy: argsort(x - ints)[::-1], the last of the ties first
  });
});
