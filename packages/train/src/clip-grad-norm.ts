import * as tf from '@tensorflow/tfjs-core';

/**
 * torch.nn.utils.clip_grad_norm_'s factor: min(1, maxNorm / (sqrt(sum of all squares) + 1e-6)) on device, from the
 * squared gradients; every gradient is scaled by it (AdamW does the scaling inside its update). Call inside tf.tidy.
 */
export function gradientNormCoefficient(squares: readonly tf.Tensor[], maxNorm: number): tf.Scalar {
  return coefficientFromNorm(globalNormFromSquares(squares), maxNorm);
}

/** The global L2 norm of all gradients, from their squares. Call inside tf.tidy. */
export function globalNormFromSquares(squares: readonly tf.Tensor[]): tf.Scalar {
  return tf.sqrt(sumOfAll(squares)) as tf.Scalar;
}

/** min(1, maxNorm / (norm + 1e-6)). Call inside tf.tidy. */
export function coefficientFromNorm(norm: tf.Scalar, maxNorm: number): tf.Scalar {
  return tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1) as tf.Scalar;
}

/**
 * Sum of every element of every tensor. A large tensor is summed as rows of 32 first: the wasm Sum kernel is one
 * sequential loop (~330 µs for 393k values), two-level summation takes ~190 µs (and rounds no worse).
 */
function sumOfAll(tensors: readonly tf.Tensor[]): tf.Scalar {
  const sums = tensors.map((tensor) =>
    tensor.size >= 4096 && tensor.size % 32 === 0 ? tf.sum(tf.sum(tf.reshape(tensor, [-1, 32]), 1)) : tf.sum(tensor),
  );
  return (sums.length === 1 ? sums[0]! : tf.addN(sums)) as tf.Scalar;
}
