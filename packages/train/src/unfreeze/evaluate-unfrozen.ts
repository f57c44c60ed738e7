import type { ClassificationHead } from '@senti/model';
import type { BertTopLayers, LayerStateStore } from '@senti/model/layers';
import { evaluationOf, readLogProbs, type Evaluation } from '../evaluate-head.js';
import type { StatesSplit } from '../types.js';
import { statesTensors } from './states-batch.js';

/** Log-probabilities [n, numClasses] of texts through the unfrozen layers and the head (no dropout), in batches. */
export function unfrozenLogProbs(
  layers: BertTopLayers,
  head: ClassificationHead,
  store: LayerStateStore,
  keys: readonly string[],
  batchSize = 32,
): Promise<Float32Array> {
  return readLogProbs(keys.length, head.config.numClasses, batchSize, (start, count) => {
    const { states, attentionMask } = statesTensors(store, keys.slice(start, start + count));
    return head.logProbs(layers.pool(states, attentionMask));
  });
}

/** Loss (mean of per-batch class-weighted NLL, like `evaluateHead`), accuracy, predictions and probabilities on a split. */
export async function evaluateUnfrozen(
  layers: BertTopLayers,
  head: ClassificationHead,
  store: LayerStateStore,
  split: StatesSplit,
  classWeights?: readonly number[],
  batchSize = 32,
): Promise<Evaluation> {
  const logProbs = await unfrozenLogProbs(layers, head, store, split.keys, batchSize);
  return evaluationOf(logProbs, split.labels, head.config.numClasses, classWeights, batchSize);
}
