import * as tf from '@tensorflow/tfjs-core';
import { type ClassificationHead } from '@senti/model';
import { dropoutMask } from '@senti/model';

/** A batch's loss and the gradients of w1, b1, w2, b2 (in `head.variables` order). */
export interface LossAndGradients {
  loss: tf.Scalar;
  gradients: tf.Tensor[];
}

/**
 * Forward and hand-written backward pass of the head under the class-weighted NLL (torch semantics:
 * sum_i w[y_i] * -logp_i[y_i] / sum_i w[y_i]), with dropout from `dropoutSeed` when given. Writing the backward pass
 * out keeps the op count per step low and needs no gradient registry. Transposes are explicit: the wasm backend's
 * matMul with transpose flags is ~15x slower than transpose + matMul. Call inside tf.tidy.
 *
 * With t = weighted one-hot targets, S = sum(t), p = softmax(z): dL/dz = (p * rowsum(t) - t) / S; then the usual
 * matMul/bias/ReLU/dropout chain rule (ReLU passes gradient where its input > 0, like torch).
 */
export function lossAndGradients(
  head: ClassificationHead,
  x: tf.Tensor2D,
  weightedTargets: tf.Tensor2D,
  dropoutSeed?: number,
): LossAndGradients {
  const [w1, b1, w2, b2] = head.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const hidden = tf.fused.matMul({ a: x, b: w1 as tf.Tensor2D, bias: b1, activation: 'relu' }) as tf.Tensor2D;
  const rate = head.config.dropout;
  const mask =
    dropoutSeed !== undefined && rate > 0
      ? tf.tensor2d(dropoutMask(hidden.size, rate, dropoutSeed), hidden.shape as [number, number])
      : undefined;
  const dropped = mask === undefined ? hidden : tf.mul(hidden, mask);
  const logits = tf.fused.matMul({ a: dropped, b: w2 as tf.Tensor2D, bias: b2 });
  const logProbs = tf.logSoftmax(logits);
  const totalWeight = tf.sum(weightedTargets);
  const loss = tf.div(tf.neg(tf.sum(tf.mul(logProbs, weightedTargets))), totalWeight) as tf.Scalar;

  const rowWeight = tf.sum(weightedTargets, 1, true);
  const logitsGradient = tf.div(
    tf.sub(tf.mul(tf.exp(logProbs), rowWeight), weightedTargets),
    totalWeight,
  ) as tf.Tensor2D;
  const w2Gradient = tf.matMul(tf.transpose(dropped), logitsGradient);
  const b2Gradient = tf.sum(logitsGradient, 0);
  const droppedGradient = tf.matMul(logitsGradient, tf.transpose(w2 as tf.Tensor2D));
  const gate = mask === undefined ? tf.step(hidden) : tf.mul(tf.step(hidden), mask);
  const hiddenGradient = tf.mul(droppedGradient, gate) as tf.Tensor2D;
  const w1Gradient = tf.matMul(tf.transpose(x), hiddenGradient);
  const b1Gradient = tf.sum(hiddenGradient, 0);
  return { loss, gradients: [w1Gradient, b1Gradient, w2Gradient, b2Gradient] };
}
