import * as tf from '@tensorflow/tfjs-core';

/**
 * torch NLLLoss(weight=w) with mean reduction: sum_i w[y_i] * -logp_i[y_i] / sum_i w[y_i].
 * `weightedTargets` is [n, numClasses] holding w[y_i] at (i, y_i) and 0 elsewhere (see `weightedOneHot`).
 */
export function weightedNllLoss(logProbs: tf.Tensor2D, weightedTargets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.neg(tf.sum(tf.mul(logProbs, weightedTargets))), tf.sum(weightedTargets)) as tf.Scalar);
}

/** Rows of w[y_i] placed at column y_i: the targets `weightedNllLoss` takes. */
export function weightedOneHot(labels: readonly number[], classWeights: readonly number[]): Float32Array {
  const numClasses = classWeights.length;
  const targets = new Float32Array(labels.length * numClasses);
  labels.forEach((label, row) => {
    targets[row * numClasses + label] = classWeights[label]!;
  });
  return targets;
}

/** The same loss in plain JS (float64) over row-major log-probabilities, for rows [start, end). */
export function weightedNllValue(
  logProbs: ArrayLike<number>,
  labels: readonly number[],
  classWeights: readonly number[],
  start = 0,
  end = labels.length,
): number {
  const numClasses = classWeights.length;
  let numerator = 0;
  let denominator = 0;
  for (let row = start; row < end; row += 1) {
    const label = labels[row]!;
    const weight = classWeights[label]!;
    numerator -= weight * logProbs[row * numClasses + label]!;
    denominator += weight;
  }
  return numerator / denominator;
}
