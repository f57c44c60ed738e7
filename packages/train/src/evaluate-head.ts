import * as tf from '@tensorflow/tfjs-core';
import type { ClassificationHead } from '@senti/model';
import type { Split } from './types.js';
import { weightedNllValue } from './weighted-nll.js';

/** What `evaluateHead` (and `evaluateUnfrozen`) measures. */
export interface Evaluation {
  /** Mean over batches of the class-weighted NLL of each batch (the tutorial's validation loss). */
  loss: number;
  /** Share of rows whose most probable class is the label. */
  accuracy: number;
  /** Most probable class of each row. */
  predictions: number[];
  /** Row-major [n, numClasses] class probabilities. */
  probabilities: Float32Array;
}

/**
 * Row-major log-probabilities [rows, numClasses], computed `chunk` rows at a time by `logProbsOf(start, count)` (a
 * tensor made inside tf.tidy, read back asynchronously and freed here).
 */
export async function readLogProbs(
  rows: number,
  numClasses: number,
  chunk: number,
  logProbsOf: (start: number, count: number) => tf.Tensor,
): Promise<Float32Array> {
  const output = new Float32Array(rows * numClasses);
  for (let start = 0; start < rows; start += chunk) {
    const logProbs = tf.tidy(() => logProbsOf(start, Math.min(chunk, rows - start)));
    try {
      output.set(await logProbs.data(), start * numClasses);
    } finally {
      logProbs.dispose();
    }
  }
  return output;
}

/** Read row-major log-probabilities for every row of a split (no dropout; async: read back from the backend). */
export function splitLogProbs(head: ClassificationHead, features: Float32Array, n: number): Promise<Float32Array> {
  const { inputSize, numClasses } = head.config;
  return readLogProbs(n, numClasses, 4096, (start, rows) =>
    head.logProbs(tf.tensor2d(features.subarray(start * inputSize, (start + rows) * inputSize), [rows, inputSize])),
  );
}

/**
 * Loss (class-weighted NLL, mean of per-batch losses; NaN for no rows), accuracy, predictions and probabilities from
 * row-major log-probabilities; `classWeights` default to 1 per class.
 */
export function evaluationOf(
  logProbs: Float32Array,
  labels: readonly number[],
  numClasses: number,
  classWeights?: readonly number[],
  batchSize = 32,
): Evaluation {
  const n = labels.length;
  const weights = classWeights ?? new Array<number>(numClasses).fill(1);
  const predictions: number[] = [];
  let correct = 0;
  for (let row = 0; row < n; row += 1) {
    let best = 0;
    for (let column = 1; column < numClasses; column += 1) {
      if (logProbs[row * numClasses + column]! > logProbs[row * numClasses + best]!) best = column;
    }
    predictions.push(best);
    if (best === labels[row]) correct += 1;
  }
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < n; start += batchSize) {
    lossSum += weightedNllValue(logProbs, labels, weights, start, Math.min(n, start + batchSize));
    batches += 1;
  }
  return {
    loss: n === 0 ? Number.NaN : lossSum / batches,
    accuracy: n === 0 ? Number.NaN : correct / n,
    predictions,
    probabilities: logProbs.map((value) => Math.exp(value)),
  };
}

/** Loss (class-weighted NLL, mean of per-batch losses), accuracy, predictions and probabilities of a head on a split. */
export async function evaluateHead(
  head: ClassificationHead,
  split: Split,
  classWeights?: readonly number[],
  options: { batchSize?: number } = {},
): Promise<Evaluation> {
  const logProbs = await splitLogProbs(head, split.features, split.labels.length);
  return evaluationOf(logProbs, split.labels, head.config.numClasses, classWeights, options.batchSize);
}
