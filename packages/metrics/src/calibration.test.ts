import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  brierScore,
  expectedCalibrationError,
  fitTemperature,
  multiclassBrier,
  temperatureNll,
  temperatureSoftmax,
} from './index.js';

interface Bin {
  count: number;
  accuracy: number | null;
  confidence: number | null;
}
interface CalibrationCase {
  name: string;
  num_classes: number;
  y_true: number[];
  logits: number[];
  temperature: number;
  nll_before: number;
  nll_after: number;
  probabilities_before: number[];
  ece_before: number;
  bins_before: Bin[];
  ece_after: number;
  brier_before: number;
  brier_after: number;
}
interface EceCase {
  name: string;
  num_classes: number;
  y_true: number[];
  probabilities: number[];
  ece: number;
  bins: Bin[];
  brier: number;
}
const reference = JSON.parse(readFileSync(new URL('./testdata/calibration-cases.json', import.meta.url), 'utf8')) as {
  bins: number;
  cases: CalibrationCase[];
  ece_cases: EceCase[];
};

describe('temperature scaling against scipy', () => {
  it.each(reference.cases)('$name: T, NLL, ECE and Brier before and after', (c) => {
    const fit = fitTemperature(c.y_true, c.logits, c.num_classes);
    expect(fit.temperature).toBeCloseTo(c.temperature, 6);
    expect(Math.abs(fit.temperature / c.temperature - 1)).toBeLessThan(1e-6);
    expect(fit.nllBefore).toBeCloseTo(c.nll_before, 12);
    expect(fit.nllAfter).toBeCloseTo(c.nll_after, 10);
    const before = temperatureSoftmax(c.logits, c.num_classes, 1);
    before.forEach((value, index) => expect(value).toBeCloseTo(c.probabilities_before[index]!, 14));
    const after = temperatureSoftmax(c.logits, c.num_classes, c.temperature);
    const eceBefore = expectedCalibrationError(c.y_true, before, c.num_classes);
    expect(eceBefore.ece).toBeCloseTo(c.ece_before, 12);
    expect(eceBefore.bins.map((bin) => bin.count)).toEqual(c.bins_before.map((bin) => bin.count));
    eceBefore.bins.forEach((bin, index) => {
      if (c.bins_before[index]!.accuracy === null) expect(bin.accuracy).toBeNull();
      else expect(bin.accuracy).toBeCloseTo(c.bins_before[index]!.accuracy!, 12);
    });
    expect(expectedCalibrationError(c.y_true, after, c.num_classes).ece).toBeCloseTo(c.ece_after, 8);
    expect(multiclassBrier(c.y_true, before, c.num_classes)).toBeCloseTo(c.brier_before, 12);
    expect(multiclassBrier(c.y_true, after, c.num_classes)).toBeCloseTo(c.brier_after, 8);
  });

  it('the fitted T is a minimum of the NLL and keeps every argmax', () => {
    const c = reference.cases[0]!;
    const { temperature } = fitTemperature(c.y_true, c.logits, c.num_classes);
    const at = (t: number) => temperatureNll(c.y_true, c.logits, c.num_classes, t);
    expect(at(temperature)).toBeLessThan(at(temperature * 1.01));
    expect(at(temperature)).toBeLessThan(at(temperature / 1.01));
    const before = temperatureSoftmax(c.logits, 2, 1);
    const after = temperatureSoftmax(c.logits, 2, temperature);
    for (let row = 0; row < c.y_true.length; row++)
      expect(after[row * 2]! > after[row * 2 + 1]!).toBe(before[row * 2]! > before[row * 2 + 1]!);
  });

  it('stops at the bounds when the data separates perfectly (the NLL keeps falling as T shrinks)', () => {
    expect(fitTemperature([0, 1], [2, -2, -1, 1], 2).temperature).toBeCloseTo(0.01, 12);
    expect(fitTemperature([1, 0], [2, -2, -1, 1], 2).temperature).toBeCloseTo(100, 8);
  });
});

interface BrierCase {
  name: string;
  num_classes: number;
  y_true: number[];
  probabilities: number[];
  brier: number;
  brier_oracle: string;
  multiclass_brier: number;
}
const brierCases = (
  JSON.parse(readFileSync(new URL('./testdata/brier-cases.json', import.meta.url), 'utf8')) as { cases: BrierCase[] }
).cases;

describe('Brier scores against scikit-learn (#28 item 23)', () => {
  it.each(brierCases)('$name: brierScore is $brier_oracle, multiclassBrier the sum over classes', (c) => {
    expect(brierScore(c.y_true, c.probabilities, c.num_classes)).toBeCloseTo(c.brier, 14);
    expect(multiclassBrier(c.y_true, c.probabilities, c.num_classes)).toBeCloseTo(c.multiclass_brier, 14);
  });

  it("the binary cases are scikit-learn's own numbers, and half the multi-class sum", () => {
    const binary = brierCases.filter((c) => c.num_classes === 2);
    expect(binary.length).toBeGreaterThan(0);
    for (const c of binary) {
      expect(c.brier_oracle).toMatch(/^sklearn .* brier_score_loss$/);
      expect(brierScore(c.y_true, c.probabilities, 2) * 2).toBeCloseTo(
        multiclassBrier(c.y_true, c.probabilities, 2),
        14,
      );
    }
  });
});

describe('expectedCalibrationError', () => {
  it.each(reference.ece_cases)('$name: equal to the Python reference bin by bin', (c) => {
    const result = expectedCalibrationError(c.y_true, c.probabilities, c.num_classes);
    expect(result.ece).toBeCloseTo(c.ece, 14);
    expect(result.bins.map((bin) => bin.count)).toEqual(c.bins.map((bin) => bin.count));
    expect(multiclassBrier(c.y_true, c.probabilities, c.num_classes)).toBeCloseTo(c.brier, 14);
  });

  it('is 0 for a model whose confidence equals its accuracy and 15 bins wide by default', () => {
    const result = expectedCalibrationError([0, 0, 0, 1], [0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25], 2);
    expect(result.ece).toBeCloseTo(0, 15);
    expect(result.bins).toHaveLength(15);
    expect(result.bins[11]).toEqual({ lower: 11 / 15, upper: 12 / 15, count: 4, confidence: 0.75, accuracy: 0.75 });
  });

  it.each([
    ['mismatched rows', () => expectedCalibrationError([0, 1], [0.5, 0.5], 2), /expected 2 rows x 2 classes/],
    ['NaN probability', () => brierScore([0], [Number.NaN, 1], 2), /probabilities\[0\] is NaN/],
    ['label out of range', () => fitTemperature([2], [0, 1], 2), /label 2 is out of range for 2 classes/],
    ['zero bins', () => expectedCalibrationError([0], [1, 0], 2, { bins: 0 }), /bins is 0/],
    ['non-positive temperature', () => temperatureSoftmax([0, 1], 2, 0), /temperature is 0/],
    ['empty', () => fitTemperature([], [], 2), /yTrue is empty/],
  ])('rejects %s with one clear line', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});

describe('fitTemperature at its bounds (#28 item 14)', () => {
  it('says when separable rows drive T to its floor, and not otherwise', () => {
    expect(fitTemperature([0, 1], [5, 0, 0, 5], 2).atBound).toBe('lower');
    expect(fitTemperature([0, 1, 0, 1], [2, 0, 0, 2, 0, 1, 1, 0], 2).atBound).toBeUndefined();
  });
});
