import { ModelError } from '@senti/errors';
import type { Prediction } from './predictions.js';

/** A prediction that may abstain: below the threshold the label is withheld (null) but the probabilities stay. */
export type AnsweredPrediction = Omit<Prediction, 'label' | 'labelIndex'> & {
  /** The most probable class, or null when the model abstained. */
  label: string | null;
  labelIndex: number | null;
  /** True when the top (calibrated) probability is below the threshold. */
  abstained: boolean;
};

/** Applies an abstention threshold: a prediction whose top probability (`score`) is below `threshold` abstains. */
export function abstainBelow(predictions: readonly Prediction[], threshold: number | undefined): AnsweredPrediction[] {
  if (threshold !== undefined) checkAbstainThreshold(threshold, 'threshold');
  return predictions.map((prediction) => {
    const abstained = threshold !== undefined && prediction.score < threshold;
    return abstained ? { ...prediction, label: null, labelIndex: null, abstained } : { ...prediction, abstained };
  });
}

/** Checks an abstention threshold: a number from 0 to 1 (`name` says where it came from, e.g. `--abstain-below`). */
export function checkAbstainThreshold(threshold: number, name: string): void {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new ModelError(
      'MODEL_BAD_THRESHOLD',
      `${name} is ${String(threshold)}; expected a probability from 0 to 1`,
      'usage',
    );
  }
}
