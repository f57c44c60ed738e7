import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '@senti/base';
import type { ClassificationHead } from '@senti/model';
import type { BertTopLayers } from '@senti/model/layers';

/** A batch's loss and the gradient of every trained tensor: the layers' variables, then the head's. */
export interface UnfrozenLossAndGradients {
  loss: tf.Scalar;
  gradients: tf.Tensor[];
}

/**
 * Forward through the unfrozen layers, pooling and head, class-weighted NLL (torch semantics: sum_i w[y_i] *
 * -logp_i[y_i] / sum_i w[y_i]), and autograd gradients (tf.variableGrads) of every layer and head tensor. With
 * `dropoutSeed` the layers and the head apply their dropout (training); without it the pass is deterministic.
 * `states` are the layer-(L-k) hidden states [batch * sequence, hidden]. Call inside tf.tidy, after `loadGradients()`.
 */
export function unfrozenLossAndGradients(
  layers: BertTopLayers,
  head: ClassificationHead,
  states: tf.Tensor2D,
  attentionMask: tf.Tensor2D,
  weightedTargets: tf.Tensor2D,
  dropoutSeed?: number,
): UnfrozenLossAndGradients {
  const training = dropoutSeed !== undefined;
  const variables = [...layers.variables, ...head.variables];
  const { value, grads } = tf.variableGrads(() => {
    const pooled = layers.pool(states, attentionMask, { training, seed: dropoutSeed });
    const logProbs = head.logProbs(pooled, training ? { training, seed: mixSeed(dropoutSeed, 0x4ead) } : {});
    return tf.div(tf.neg(tf.sum(tf.mul(logProbs, weightedTargets))), tf.sum(weightedTargets)) as tf.Scalar;
  }, variables);
  return { loss: value, gradients: variables.map((variable) => grads[variable.name]!) };
}
