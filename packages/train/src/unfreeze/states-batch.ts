import * as tf from '@tensorflow/tfjs-core';
import type { LayerStateStore } from '@senti/model/layers';

/** One batch's tensors: layer-(L-k) states [rows * sequence, hidden] and the attention mask [rows, sequence]. */
export interface StatesTensors {
  states: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
}

/** Reads the texts `keys` from the store (padded to the batch's longest) into tensors; dispose them (or call inside tidy). */
export function statesTensors(store: LayerStateStore, keys: readonly string[]): StatesTensors {
  const batch = store.readBatch(keys);
  return {
    states: tf.tensor2d(batch.states, [keys.length * batch.sequenceLength, store.hiddenSize]),
    attentionMask: tf.tensor2d(batch.attentionMask, [keys.length, batch.sequenceLength], 'int32'),
  };
}
