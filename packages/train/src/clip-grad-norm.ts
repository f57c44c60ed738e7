import * as tf from '@tensorflow/tfjs-core';

/**
 * torch.nn.utils.clip_grad_norm_: scale all gradients by min(1, maxNorm / (totalNorm + 1e-6)), where totalNorm is
 * the L2 norm over every gradient together. Returns the scaled gradients and the norm before clipping (on device,
 * no sync). Call inside tf.tidy.
 */
export function clipGradNorm(gradients: readonly tf.Tensor[], maxNorm: number): { gradients: tf.Tensor[]; totalNorm: tf.Scalar } {
  const squares = gradients.map((gradient) => tf.sum(tf.square(gradient)));
  const totalNorm = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares)) as tf.Scalar;
  if (!(maxNorm > 0) || maxNorm === Infinity) return { gradients: [...gradients], totalNorm };
  const coefficient = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
  return { gradients: gradients.map((gradient) => tf.mul(gradient, coefficient)), totalNorm };
}
