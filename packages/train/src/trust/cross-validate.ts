import { classificationReport, rocAuc } from '@senti/metrics';
import type { Split } from '../types.js';
import type { FineTuneSettings } from '../fine-tune/settings.js';
import { forEachFoldHead, gatherRows } from './fold-heads.js';

/** Scores of one cross-validation fold (on its held-out rows). */
export interface FoldScores {
  /** 1-based fold number. */
  fold: number;
  /** Held-out rows scored. */
  rows: number;
  accuracy: number;
  macroF1: number;
  /** Null when a class is missing from the fold. */
  rocAuc: number | null;
  bestEpoch: number;
}

/** Stratified k-fold cross-validation: per fold, and the mean and standard deviation (numpy's, ddof 0) over folds. */
export interface CrossValidation {
  k: number;
  folds: FoldScores[];
  mean: { accuracy: number; macroF1: number; rocAuc: number | null };
  std: { accuracy: number; macroF1: number; rocAuc: number | null };
}

/**
 * Stratified k-fold cross-validation of the head on already encoded rows (train + validation of a run): each fold's
 * head is trained with the run's head settings on the other folds and scored on its own. `signal` cancels it
 * (`TRAIN_ABORTED`).
 */
export async function crossValidate(
  all: Split,
  inputSize: number,
  labelNames: readonly string[],
  settings: Pick<
    FineTuneSettings,
    'dropout' | 'epochs' | 'batchSize' | 'learningRate' | 'weightDecay' | 'seed' | 'patience'
  >,
  k: number,
  onFold: (scores: FoldScores) => void = () => {},
  signal?: AbortSignal,
): Promise<CrossValidation> {
  const numClasses = labelNames.length;
  const folds: FoldScores[] = [];
  await forEachFoldHead(
    all,
    inputSize,
    numClasses,
    settings,
    k,
    async ({ fold, heldOut, head, bestEpoch }) => {
      const labels = heldOut.map((row) => all.labels[row]!);
      const probabilities = await head.predictProba(gatherRows(all.features, inputSize, heldOut), heldOut.length);
      const predictions = labels.map((_, row) => {
        let best = 0;
        for (let column = 1; column < numClasses; column++)
          if (probabilities[row * numClasses + column]! > probabilities[row * numClasses + best]!) best = column;
        return best;
      });
      const report = classificationReport(labels, predictions, { labelNames: [...labelNames] });
      let auc: number | null;
      try {
        auc = rocAuc(labels, probabilities, numClasses);
      } catch {
        auc = null; // a class absent from this fold
      }
      const scores = {
        fold,
        rows: heldOut.length,
        accuracy: report.accuracy,
        macroF1: report.macroAvg.f1,
        rocAuc: auc,
        bestEpoch,
      };
      folds.push(scores);
      onFold(scores);
    },
    signal,
    'cross-validation',
  );
  const aucs = folds.map((fold) => fold.rocAuc);
  const complete = aucs.every((value) => value !== null) ? (aucs as number[]) : null;
  return {
    k,
    folds,
    mean: {
      accuracy: mean(folds.map((fold) => fold.accuracy)),
      macroF1: mean(folds.map((fold) => fold.macroF1)),
      rocAuc: complete && mean(complete),
    },
    std: {
      accuracy: std(folds.map((fold) => fold.accuracy)),
      macroF1: std(folds.map((fold) => fold.macroF1)),
      rocAuc: complete && std(complete),
    },
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Population standard deviation (numpy's default, ddof 0). */
function std(values: readonly number[]): number {
  const average = mean(values);
  return Math.sqrt(mean(values.map((value) => (value - average) ** 2)));
}
