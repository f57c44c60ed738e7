import { TrainError } from '@senti/errors';
import {
  riskCoverage,
  riskCoverageCurve,
  thresholdForAccuracy,
  type RiskCoveragePoint,
  type ThresholdChoice,
} from '@senti/metrics';

/** Below this many validation rows a threshold picked for a target accuracy is a rough estimate, and is said to be. */
export const SMALL_THRESHOLD_SAMPLE = 200;

/** The warning for a threshold picked from few validation rows. */
export function smallSampleWarning(chosen: { validationRows: number; targetAccuracy: number }): string {
  return `the threshold for accuracy ${chosen.targetAccuracy} was picked from only ${chosen.validationRows} validation rows (fewer than ${SMALL_THRESHOLD_SAMPLE}): one row more or less right moves it; treat it as a rough estimate`;
}

/** Coverage versus accuracy of a model on labelled rows, and the threshold chosen for a target accuracy. */
export interface AbstentionSummary {
  /** Coverage and accuracy on the test split when abstaining below each threshold (0, 0.5 … 0.99). */
  table: RiskCoveragePoint[];
  /** The same at every distinct top probability (the plotted curve). */
  curve: RiskCoveragePoint[];
  /** With a target accuracy: the threshold picked on the validation split, and what it gives on the test split. */
  chosen?: ThresholdChoice & {
    test: RiskCoveragePoint;
    /** Validation rows the threshold was picked from. */
    validationRows: number;
    /** True below {@link SMALL_THRESHOLD_SAMPLE} validation rows: the threshold is a rough estimate. */
    smallSample: boolean;
  };
  /** With `whenUnreached: 'report'`: the target accuracy no threshold reached on the validation split. */
  unreached?: number;
}

/**
 * The risk-coverage table and curve of row-major `test` probabilities and, when `targetAccuracy` is given, the lowest
 * threshold reaching it on the `val` probabilities. When no threshold does it throws, or with `whenUnreached: 'report'`
 * returns no `chosen` and the target as `unreached` (a finished training is not thrown away for it).
 */
export function abstentionSummary(
  test: { labels: readonly number[]; probabilities: ArrayLike<number> },
  numClasses: number,
  target?: { targetAccuracy: number; val: { labels: readonly number[]; probabilities: ArrayLike<number> } },
  whenUnreached: 'throw' | 'report' = 'throw',
): AbstentionSummary {
  const summary: AbstentionSummary = {
    table: riskCoverage(test.labels, test.probabilities, numClasses),
    curve: riskCoverageCurve(test.labels, test.probabilities, numClasses),
  };
  if (target === undefined) return summary;
  const choice = thresholdForAccuracy(target.val.labels, target.val.probabilities, numClasses, target.targetAccuracy);
  if (choice === null) {
    if (whenUnreached === 'report') return { ...summary, unreached: target.targetAccuracy };
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `no abstention threshold reaches accuracy ${target.targetAccuracy} on the validation split (not even its most confident row is right); lower --target-accuracy`,
      'input',
    );
  }
  const [test0] = riskCoverage(test.labels, test.probabilities, numClasses, [choice.threshold]);
  const validationRows = target.val.labels.length;
  return {
    ...summary,
    chosen: { ...choice, test: test0!, validationRows, smallSample: validationRows < SMALL_THRESHOLD_SAMPLE },
  };
}

/** Checks a target accuracy (a number in (0, 1]); `name` says where it came from. */
export function checkTargetAccuracy(value: number, name = 'targetAccuracy'): void {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `${name} is ${String(value)}; expected an accuracy greater than 0 and at most 1 (e.g. 0.95)`,
      'usage',
    );
  }
}
