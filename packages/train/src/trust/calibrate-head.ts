import {
  brierScore,
  expectedCalibrationError,
  fitTemperature,
  multiclassBrier,
  temperatureSoftmax,
  type ReliabilityBin,
} from '@senti/metrics';
import type { ClassificationHead } from '@senti/model';
import { splitLogProbs } from '../evaluate-head.js';
import type { Split } from '../types.js';

/** What temperature scaling did: the temperature (fitted on validation) and its effect on the test split. */
export interface CalibrationSummary {
  /** Every probability senti gives is softmax(logits / temperature). */
  temperature: number;
  /** Expected calibration error on the test split (15 equal-width bins) before and after scaling. */
  eceBefore: number;
  eceAfter: number;
  /** Brier score on the test split before and after, as scikit-learn's `brier_score_loss` (two classes: 0-1, of class 1). */
  brierBefore: number;
  brierAfter: number;
  /** Multi-class Brier score (sum over classes, 0-2) before and after: for two classes twice the above. */
  multiclassBrierBefore: number;
  multiclassBrierAfter: number;
  /** Mean NLL on the validation split before and after (what the fit minimised). */
  valNllBefore: number;
  valNllAfter: number;
  /** Reliability diagrams on the test split (15 bins), before and after. */
  reliability: { before: ReliabilityBin[]; after: ReliabilityBin[] };
  /** `separable`: the validation rows are separated perfectly, so no temperature could be fitted; T stays 1. */
  unfitted?: 'separable';
}

/**
 * Temperature scaling of a trained head: fits T on the validation split by NLL, sets it on the head (so every later
 * probability is calibrated) and measures ECE and Brier on the test split before and after. The most probable class
 * of every row is unchanged.
 */
export async function calibrateHead(head: ClassificationHead, val: Split, test: Split): Promise<CalibrationSummary> {
  const { numClasses } = head.config;
  const fit = fitTemperature(val.labels, await splitLogProbs(head, val.features, val.labels.length), numClasses);
  // Separable validation rows drive T to its floor: every probability would become 1 and abstention could never
  // withhold anything. Such a fit says nothing about calibration: the head keeps T = 1 and the result says why.
  const temperature = fit.atBound === 'lower' ? 1 : fit.temperature;
  const summary = await calibrationEffect(head, test, temperature);
  head.setTemperature(temperature);
  return {
    ...summary,
    valNllBefore: fit.nllBefore,
    valNllAfter: fit.atBound === 'lower' ? fit.nllBefore : fit.nllAfter,
    ...(fit.atBound === 'lower' ? { unfitted: 'separable' as const } : {}),
  };
}

/** ECE, Brier and reliability bins on `test` at T = 1 and at `temperature` (no change to the head). */
export async function calibrationEffect(
  head: ClassificationHead,
  test: Split,
  temperature: number,
): Promise<Omit<CalibrationSummary, 'valNllBefore' | 'valNllAfter'>> {
  const { numClasses } = head.config;
  const logProbs = await splitLogProbs(head, test.features, test.labels.length);
  const before = temperatureSoftmax(logProbs, numClasses, 1);
  const after = temperatureSoftmax(logProbs, numClasses, temperature);
  const eceBefore = expectedCalibrationError(test.labels, before, numClasses);
  const eceAfter = expectedCalibrationError(test.labels, after, numClasses);
  return {
    temperature,
    eceBefore: eceBefore.ece,
    eceAfter: eceAfter.ece,
    brierBefore: brierScore(test.labels, before, numClasses),
    brierAfter: brierScore(test.labels, after, numClasses),
    multiclassBrierBefore: multiclassBrier(test.labels, before, numClasses),
    multiclassBrierAfter: multiclassBrier(test.labels, after, numClasses),
    reliability: { before: eceBefore.bins, after: eceAfter.bins },
  };
}
