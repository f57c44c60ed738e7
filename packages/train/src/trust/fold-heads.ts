import { classWeights, stratifiedFolds } from '@senti/data';
import type { ClassificationHead } from '@senti/model';
import { TrainError } from '@senti/errors';
import { throwIfAborted } from '../abort.js';
import { train } from '../train.js';
import type { Split } from '../types.js';
import type { FineTuneSettings } from '../fine-tune/settings.js';

/** Share of each fold's training rows held back to pick the best epoch (1/7, about the 15% of the usual split). */
const INNER_VALIDATION_FOLDS = 7;

/** Copies the feature rows `indices` (row-major, `width` values each) into a new array. */
export function gatherRows(features: Float32Array, width: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * width);
  indices.forEach((row, position) => out.set(features.subarray(row * width, (row + 1) * width), position * width));
  return out;
}

/**
 * Refuses `k` folds when a class has fewer than `k` rows among `labels`: some folds would then hold no row of it, so
 * their scores (and ROC-AUC) mean nothing. A class of one row cannot be cross-validated at all (the fold holding it
 * out would train without it). `setting` and `rows` name the option and the rows in the message.
 */
export function assertFoldsFit(
  labels: readonly number[],
  k: number,
  labelNames: readonly string[],
  setting: string,
  rows: string,
): void {
  const counts = new Array<number>(labelNames.length).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  const smallest = counts.reduce((best, count, label) => (count < counts[best]! ? label : best), 0);
  if (counts[smallest]! < 2) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `class "${labelNames[smallest]}" has only ${counts[smallest]} row${counts[smallest] === 1 ? '' : 's'} in ${rows}; k-fold needs at least 2 rows of each class (the fold holding a row out trains on the others): add rows of it or leave it out`,
      'usage',
    );
  }
  if (k > counts[smallest]!) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `${setting} is ${k}, but class "${labelNames[smallest]}" has only ${counts[smallest]} row${counts[smallest] === 1 ? '' : 's'} in ${rows}; every fold needs a row of each class: use at most ${counts[smallest]}`,
      'usage',
    );
  }
}

/** One fold's trained head and the rows it did not see. */
export interface FoldHead {
  /** 1-based fold number. */
  fold: number;
  /** Rows (indices into the features given) held out of this fold's training. */
  heldOut: number[];
  head: ClassificationHead;
  bestEpoch: number;
}

/**
 * Stratified k-fold over feature rows: for each fold, trains a head with `settings`' head settings on the other folds
 * (1/7 of them, stratified, held back to pick the best epoch as `fineTune` does) and hands it to `use` with the rows
 * it did not see; the head is disposed afterwards. The features are given once (encoded once) and only sliced.
 * `signal` stops it between steps and folds with `TRAIN_ABORTED` (`job` names what was cancelled).
 */
export async function forEachFoldHead(
  all: Split,
  inputSize: number,
  numClasses: number,
  settings: Pick<
    FineTuneSettings,
    'dropout' | 'epochs' | 'batchSize' | 'learningRate' | 'weightDecay' | 'seed' | 'patience'
  >,
  k: number,
  use: (fold: FoldHead) => Promise<void> | void,
  signal?: AbortSignal,
  job = 'the k-fold run',
): Promise<void> {
  const folds = stratifiedFolds(all.labels, k, settings.seed);
  for (const [index, heldOut] of folds.entries()) {
    throwIfAborted(signal, job);
    const held = new Set(heldOut);
    const rest = all.labels.map((_, row) => row).filter((row) => !held.has(row));
    const restLabels = rest.map((row) => all.labels[row]!);
    const inner = new Set(
      stratifiedFolds(restLabels, Math.min(INNER_VALIDATION_FOLDS, rest.length), settings.seed + index + 1)[0]!.map(
        (position) => rest[position]!,
      ),
    );
    // A class with one row left after the held-out fold keeps it for training: a head must see every class.
    const left = new Array<number>(numClasses).fill(0);
    for (const label of restLabels) left[label]! += 1;
    for (const row of inner) if (left[all.labels[row]!] === 1) inner.delete(row);
    const trainRows = rest.filter((row) => !inner.has(row));
    const valRows = rest.filter((row) => inner.has(row));
    const split = (rows: number[]): Split => ({
      features: gatherRows(all.features, inputSize, rows),
      labels: rows.map((row) => all.labels[row]!),
    });
    const trainSplit = split(trainRows);
    const result = await train({
      train: trainSplit,
      val: split(valRows),
      inputSize,
      numClasses,
      head: { dropout: settings.dropout },
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      weightDecay: settings.weightDecay,
      classWeights: classWeights(trainSplit.labels, numClasses, { where: `fold ${index + 1}` }),
      seed: settings.seed,
      ...(settings.patience !== undefined ? { patience: settings.patience } : {}),
      ...(signal !== undefined ? { signal } : {}),
    }).catch((error: unknown) => {
      throwIfAborted(signal, job); // cancelled mid-fold: name the job, not its inner training
      throw error;
    });
    try {
      await use({ fold: index + 1, heldOut, head: result.head, bestEpoch: result.bestEpoch });
    } finally {
      result.head.dispose();
    }
  }
}
