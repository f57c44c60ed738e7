import * as tf from '@tensorflow/tfjs-core';
import type { ClassificationHead } from '@senti/model';
import type { BertTopLayers, LayerStateStore } from '@senti/model/layers';
import type { Evaluation } from '../evaluate-head.js';
import { weightedNllValue } from '../weighted-nll.js';
import { statesTensors } from './states-batch.js';
import type { StatesSplit } from './types.js';

/** Log-probabilities [n, numClasses] of texts through the unfrozen layers and the head (no dropout), in batches. */
export async function unfrozenLogProbs(layers: BertTopLayers, head: ClassificationHead, store: LayerStateStore, keys: readonly string[], batchSize = 32): Promise<Float32Array> {
  const { numClasses } = head.config;
  const output = new Float32Array(keys.length * numClasses);
  for (let start = 0; start < keys.length; start += batchSize) {
    const logProbs = tf.tidy(() => {
      const { states, attentionMask } = statesTensors(store, keys.slice(start, start + batchSize));
      return head.logProbs(layers.pool(states, attentionMask));
    });
    try {
      output.set(await logProbs.data(), start * numClasses);
    } finally {
      logProbs.dispose();
    }
  }
  return output;
}

/** Loss (mean of per-batch class-weighted NLL, like `evaluateHead`), accuracy, predictions and probabilities on a split. */
export async function evaluateUnfrozen(
  layers: BertTopLayers, head: ClassificationHead, store: LayerStateStore, split: StatesSplit, classWeights?: readonly number[], batchSize = 32,
): Promise<Evaluation> {
  const { numClasses } = head.config;
  const n = split.labels.length;
  const weights = classWeights ?? new Array<number>(numClasses).fill(1);
  const logProbs = await unfrozenLogProbs(layers, head, store, split.keys, batchSize);
  const predictions: number[] = [];
  let correct = 0;
  for (let row = 0; row < n; row += 1) {
    let best = 0;
    for (let column = 1; column < numClasses; column += 1) if (logProbs[row * numClasses + column]! > logProbs[row * numClasses + best]!) best = column;
    predictions.push(best);
    if (best === split.labels[row]) correct += 1;
  }
  let lossSum = 0;
  let batches = 0;
  for (let start = 0; start < n; start += batchSize) {
    lossSum += weightedNllValue(logProbs, split.labels, weights, start, Math.min(n, start + batchSize));
    batches += 1;
  }
  return { loss: lossSum / batches, accuracy: correct / n, predictions, probabilities: logProbs.map((value) => Math.exp(value)) };
}
