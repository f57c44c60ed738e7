import { MetricsError } from '@senti/errors';
import { checkRows, topClasses } from './check-probabilities.js';

/** Accuracy on the rows answered when rows whose top probability is below `threshold` abstain. */
export interface RiskCoveragePoint {
  /** Rows with top probability < threshold abstain. */
  threshold: number;
  /** Share of rows answered. */
  coverage: number;
  /** Rows answered. */
  answered: number;
  /** Accuracy on the answered rows (null when none is answered). */
  accuracy: number | null;
  /** 1 - accuracy (null when none is answered). */
  risk: number | null;
}

/** The thresholds of the default risk-coverage table: 0 (answer all), 0.5 to 0.95 by 0.05, 0.975 and 0.99. */
export const DEFAULT_ABSTAIN_THRESHOLDS: readonly number[] = [
  0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99,
];

/** The risk-coverage table: coverage and accuracy when abstaining below each threshold (default {@link DEFAULT_ABSTAIN_THRESHOLDS}). */
export function riskCoverage(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  thresholds: readonly number[] = DEFAULT_ABSTAIN_THRESHOLDS,
): RiskCoveragePoint[] {
  const labels = checkRows(yTrue, probabilities, numClasses, 'probabilities');
  const { classes, confidences } = topClasses(probabilities, numClasses);
  return thresholds.map((threshold) => {
    checkThreshold(threshold, 'threshold');
    let answered = 0;
    let correct = 0;
    confidences.forEach((confidence, row) => {
      if (confidence < threshold) return;
      answered++;
      if (classes[row] === labels[row]) correct++;
    });
    const accuracy = answered === 0 ? null : correct / answered;
    return {
      threshold,
      coverage: answered / labels.length,
      answered,
      accuracy,
      risk: accuracy === null ? null : 1 - accuracy,
    };
  });
}

/** The full risk-coverage curve: one point per distinct top probability, from the most confident row down (for plots). */
export function riskCoverageCurve(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
): RiskCoveragePoint[] {
  const labels = checkRows(yTrue, probabilities, numClasses, 'probabilities');
  const { classes, confidences } = topClasses(probabilities, numClasses);
  const order = confidences.map((_, row) => row).sort((a, b) => confidences[b]! - confidences[a]!);
  const points: RiskCoveragePoint[] = [];
  let correct = 0;
  order.forEach((row, position) => {
    if (classes[row] === labels[row]) correct++;
    const next = order[position + 1];
    if (next !== undefined && confidences[next] === confidences[row]) return; // ties are answered together
    const answered = position + 1;
    const accuracy = correct / answered;
    points.push({
      threshold: confidences[row]!,
      coverage: answered / labels.length,
      answered,
      accuracy,
      risk: 1 - accuracy,
    });
  });
  return points;
}

/** The abstention threshold chosen for a target accuracy. */
export interface ThresholdChoice {
  /** Abstain below this top probability; 0 when every row already meets the target. */
  threshold: number;
  targetAccuracy: number;
  /** Accuracy on the rows answered at `threshold`. */
  accuracy: number;
  /** Share of rows answered at `threshold`. */
  coverage: number;
}

/**
 * The lowest threshold (so the highest coverage) at which the rows answered reach `targetAccuracy`: the top
 * probability of the least confident row kept. Null when not even the most confident rows reach it.
 */
export function thresholdForAccuracy(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  targetAccuracy: number,
): ThresholdChoice | null {
  checkThreshold(targetAccuracy, 'targetAccuracy');
  const curve = riskCoverageCurve(yTrue, probabilities, numClasses);
  let best: RiskCoveragePoint | undefined;
  for (const point of curve) if (point.accuracy! >= targetAccuracy) best = point;
  if (best === undefined) return null;
  const threshold = best.coverage === 1 ? 0 : best.threshold;
  return { threshold, targetAccuracy, accuracy: best.accuracy!, coverage: best.coverage };
}

function checkThreshold(value: number, name: string): void {
  if (!(value >= 0 && value <= 1))
    throw new MetricsError('METRICS_BAD_OPTION', `${name} is ${String(value)}; expected a number from 0 to 1`, 'usage');
}
