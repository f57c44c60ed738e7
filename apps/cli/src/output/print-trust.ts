import type { RiskCoveragePoint } from '@senti/metrics';
import type { FineTuneResult } from '@senti/train';
import type { ConsoleOutput } from './console-output.js';
import { textTable } from './text-table.js';

/**
 * What the printed Brier score is: scikit-learn's `brier_score_loss`, which for two classes is the squared error of
 * the second class's probability (0-1) and for more the sum over classes (0-2).
 */
export function brierName(numClasses: number): string {
  return numClasses === 2 ? 'Brier (sklearn brier_score_loss, 0-1)' : 'Brier (sum over classes, 0-2)';
}

/** The expected calibration error line printed under the classification report. */
export function calibrationLine(
  numClasses: number,
  calibration:
    { temperature: number; eceBefore: number; eceAfter: number; brierBefore: number; brierAfter: number } | undefined,
  uncalibrated?: { ece: number; brier: number; temperature?: number },
): string {
  if (calibration === undefined) {
    const temperature = uncalibrated!.temperature ?? 1;
    return `ECE (15 bins): ${uncalibrated!.ece.toFixed(4)}  ${brierName(numClasses)}: ${uncalibrated!.brier.toFixed(4)}  (${temperature === 1 ? 'not calibrated' : `temperature ${temperature.toFixed(4)}`})`;
  }
  return `ECE (15 bins): ${calibration.eceBefore.toFixed(4)} -> ${calibration.eceAfter.toFixed(4)}  ${brierName(numClasses)}: ${calibration.brierBefore.toFixed(4)} -> ${calibration.brierAfter.toFixed(4)}  (temperature ${calibration.temperature.toFixed(4)}, fitted on validation)`;
}

/** The risk-coverage table as a terminal table (thresholds 0, 0.5 … 0.99). */
export function riskCoverageTable(table: readonly RiskCoveragePoint[]): string {
  const rows = table.map((point) => [
    point.threshold === 0 ? 'none' : `< ${point.threshold}`,
    `${(point.coverage * 100).toFixed(1)}%`,
    point.accuracy === null ? '-' : point.accuracy.toFixed(4),
  ]);
  return textTable(['abstain', 'coverage', 'accuracy'], rows).replace(/^/gm, '  ');
}

/** `abstain below 0.9731`, or `answer every text` for threshold 0. */
export function thresholdWords(threshold: number): string {
  return threshold === 0 ? 'answer every text (threshold 0)' : `abstain below ${threshold.toFixed(4)}`;
}

/** Prints what a training run says about trust: ECE before/after, risk-coverage, the chosen threshold, cross-validation. */
export function printTrust(output: ConsoleOutput, result: FineTuneResult): void {
  if (result.calibration) output.line(calibrationLine(result.splits.labelNames.length, result.calibration));
  output.section(
    'Coverage vs accuracy on the test split (all in metrics.json, risk-coverage.{svg,png})',
    riskCoverageTable(result.abstention.table),
  );
  const chosen = result.abstention.chosen;
  if (chosen) {
    output.line(
      `  --target-accuracy ${chosen.targetAccuracy}: ${thresholdWords(chosen.threshold)} (validation: accuracy ${chosen.accuracy.toFixed(4)} at coverage ${(chosen.coverage * 100).toFixed(1)}%; test: accuracy ${chosen.test.accuracy === null ? '-' : chosen.test.accuracy.toFixed(4)} at coverage ${(chosen.test.coverage * 100).toFixed(1)}%); stored as the model's default`,
    );
  }
  const cv = result.crossValidation;
  if (cv) {
    const show = (mean: number | null, std: number | null) =>
      mean === null || std === null ? 'n/a' : `${mean.toFixed(4)} ± ${std.toFixed(4)}`;
    output.line(
      `\nCross-validation (${cv.k} folds): accuracy ${show(cv.mean.accuracy, cv.std.accuracy)}  macro F1 ${show(cv.mean.macroF1, cv.std.macroF1)}  ROC-AUC ${show(cv.mean.rocAuc, cv.std.rocAuc)}`,
    );
  }
}
