import * as tf from '@tensorflow/tfjs-core';
import type { ClassificationHead } from '@senti/model';
import type { Split } from './types.js';
import { weightedNllValue } from './weighted-nll.js';

/** What `evaluateHead` measures. */
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

/** Read row-major log-probabilities for every row of a split (no dropout; async: read back from the backend). */
export async function splitLogProbs(head: ClassificationHead, features: Float32Array, n: number): Promise<Float32Array> {
  const { inputSize, numClasses } = head.config;
  const output = new Float32Array(n * numClasses);
  const chunk = 4096;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    const logProbs = tf.tidy(() => {
      const x = tf.tensor2d(features.subarray(start * inputSize, (start + rows) * inputSize), [rows, inputSize]);
      return head.logProbs(x);
    });
    try {
      output.set(await logProbs.data(), start * numClasses);
    } finally {
      logProbs.dispose();
    }
  }
  return output;
}

/** Loss (class-weighted NLL, mean of per-batch losses), accuracy, predictions and probabilities of a head on a split. */
export async function evaluateHead(
  head: ClassificationHead,
  split: Split,
  classWeights?: number[],
  options: { batchSize?: number } = {},
): Promise<Evaluation> {
  const { numClasses } = head.config;
  const n = split.labels.length;
  const weights = classWeights ?? new Array<number>(numClasses).fill(1);
  const batchSize = options.batchSize ?? 32;
  const logProbs = await splitLogProbs(head, split.features, n);
  const predictions: number[] = [];
  let correct = 0;
  for (let row = 0; row < n; row += 1) {
    let best = 0;
    for (let column = 1; column < numClasses; column += 1) {
      if (logProbs[row * numClasses + column]! > logProbs[row * numClasses + best]!) best = column;
    }
    predictions.push(best);
    if (best === split.labels[row]) correct += 1;
  }
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < n; start += batchSize) {
    lossSum += weightedNllValue(logProbs, split.labels, weights, start, Math.min(n, start + batchSize));
    batches += 1;
  }
  return {
    loss: n === 0 ? Number.NaN : lossSum / batches,
    accuracy: n === 0 ? Number.NaN : correct / n,
    predictions,
    probabilities: logProbs.map((value) => Math.exp(value)),
  };
}
