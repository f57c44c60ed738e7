import * as tf from '@tensorflow/tfjs-core';
import { type ClassificationHead, type HeadConfig } from '@senti/model';
import { dropoutMaskTransposed } from '@senti/model';
import type { LossAndGradients } from './loss-and-gradients.js';

/** A batch already in the layout {@link TransposedHead} trains in: [x | 1] and its transpose (built in JS on host backends). */
export interface PaddedBatch {
  /** [rows, inputSize + 1]: the features with a column of ones. */
  withOnes: tf.Tensor2D;
  /** [inputSize + 1, rows]: the same, transposed. */
  withOnesT: tf.Tensor2D;
}

/**
 * A head's parameters in the layout training is fastest in, as two variables: W1 = [w1ᵀ | b1] ([hidden, input + 1])
 * and W2 = [w2; b2] ([hidden + 1, classes]); `writeTo` puts them back into the head's layout. Why:
 * - tfjs-wasm's matMul packs its right-hand operand (XNNPACK weights) whenever that tensor changes; with w1 on the
 *   right (x·w1) that repacking costs ~1.3 ms a step, with w1ᵀ on the left (hᵀ = W1·[x | 1]ᵀ) only the 32-row batch
 *   is packed, and the gradient comes out in this layout directly (dW1 = dHᵀ·[x | 1]).
 * - Each bias rides along as one more column/row of its weight, its input side a column of ones: no bias adds or
 *   bias-gradient sums, and AdamW and clipping work on 2 tensors instead of 4 (each op costs ~6 µs however small).
 * (A single flat variable was measured too: the wasm Slice kernel copies its whole input, so slicing w1 back out of it
 * costs more than the ops it saves.)
 */
export class TransposedHead {
  readonly config: HeadConfig;
  /** W1 = [w1ᵀ | b1] [hiddenSize, inputSize + 1] and W2 = [w2; b2] [hiddenSize + 1, numClasses]. */
  readonly variables: [tf.Variable, tf.Variable];

  constructor(head: ClassificationHead) {
    this.config = head.config;
    const { hiddenSize, numClasses } = head.config;
    const [w1, b1, w2, b2] = head.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    this.variables = tf.tidy(() => [
      tf.variable(tf.concat([tf.transpose(w1), tf.reshape(b1, [hiddenSize, 1])], 1), true),
      tf.variable(tf.concat([w2, tf.reshape(b2, [1, numClasses])], 0), true),
    ]);
  }

  /** Copy the weights into `head`'s variables (its own layout). */
  writeTo(head: ClassificationHead): void {
    const { inputSize, hiddenSize, numClasses } = this.config;
    const [w1, b1, w2, b2] = head.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    const [first, second] = this.variables;
    // Slices, not reshapes, make the rank-1 biases: the wasm backend keeps a tensor's shape from when its buffer was
    // made, and its fused matMul rejects a bias whose buffer was made rank 2.
    tf.tidy(() => {
      const firstT = tf.transpose(first);
      w1.assign(tf.slice(firstT, [0, 0], [inputSize, hiddenSize]));
      b1.assign(tf.slice(tf.reshape(firstT, [-1]), inputSize * hiddenSize, hiddenSize));
      w2.assign(tf.slice(second, [0, 0], [hiddenSize, numClasses]));
      b2.assign(tf.slice(tf.reshape(second, [-1]), hiddenSize * numClasses, numClasses));
    });
  }

  /** Arrays in the head's layout ([w1, b1, w2, b2], e.g. AdamW moments) -> this layout. */
  pack(arrays: readonly Float32Array[]): Float32Array[] {
    const { inputSize, hiddenSize } = this.config;
    const [w1, b1, w2, b2] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
    const first = new Float32Array(hiddenSize * (inputSize + 1));
    for (let unit = 0; unit < hiddenSize; unit += 1) {
      const row = unit * (inputSize + 1);
      for (let input = 0; input < inputSize; input += 1) first[row + input] = w1[input * hiddenSize + unit]!;
      first[row + inputSize] = b1[unit]!;
    }
    const second = new Float32Array(w2.length + b2.length);
    second.set(w2);
    second.set(b2, w2.length);
    return [first, second];
  }

  /** The inverse of `pack`. */
  unpack(arrays: readonly Float32Array[]): Float32Array[] {
    const { inputSize, hiddenSize, numClasses } = this.config;
    const [first, second] = arrays as [Float32Array, Float32Array];
    const w1 = new Float32Array(inputSize * hiddenSize);
    const b1 = new Float32Array(hiddenSize);
    for (let unit = 0; unit < hiddenSize; unit += 1) {
      const row = unit * (inputSize + 1);
      for (let input = 0; input < inputSize; input += 1) w1[input * hiddenSize + unit] = first[row + input]!;
      b1[unit] = first[row + inputSize]!;
    }
    return [w1, b1, second.slice(0, hiddenSize * numClasses), second.slice(hiddenSize * numClasses)];
  }

  /**
   * `lossAndGradients` in this layout (the same loss; gradients [dW1, dW2] in `variables` order), all in transposed
   * activations: hᵀ = relu(W1·[x | 1]ᵀ), logits = [dropped | 1]·W2, dW2 = [dropped | 1]ᵀ·dZ, dDroppedᵀ = w2·dZᵀ,
   * dW1 = dHᵀ·[x | 1]. Transposes are explicit (the wasm backend's transposed-flag matMul is ~15x slower) and all
   * small. `x` may come already padded ({@link PaddedBatch}: [x | 1] and its transpose, built in JS by StepRunner on
   * host backends), which saves a Concat and a Transpose kernel per step. Call inside tf.tidy.
   */
  lossAndGradients(x: tf.Tensor2D | PaddedBatch, weightedTargets: tf.Tensor2D, dropoutSeed?: number): LossAndGradients {
    const { hiddenSize, numClasses, dropout } = this.config;
    const [first, second] = this.variables as [tf.Tensor2D, tf.Tensor2D];
    const padded = x instanceof tf.Tensor ? undefined : x;
    const rows = padded === undefined ? (x as tf.Tensor2D).shape[0] : padded.withOnes.shape[0];
    const ones = tf.ones([rows, 1]);
    const xWithOnes = padded?.withOnes ?? tf.concat([x as tf.Tensor2D, ones], 1);
    const xWithOnesT = padded?.withOnesT ?? tf.transpose(xWithOnes);
    const hiddenT = tf.relu(tf.matMul(first, xWithOnesT));
    const maskT =
      dropoutSeed !== undefined && dropout > 0
        ? tf.tensor2d(dropoutMaskTransposed(rows, hiddenSize, dropout, dropoutSeed), [hiddenSize, rows])
        : undefined;
    const droppedT = maskT === undefined ? hiddenT : tf.mul(hiddenT, maskT);
    const droppedWithOnesT = tf.concat([droppedT, tf.reshape(ones, [1, rows])], 0);
    // logits = (W2ᵀ·[dropped; 1])ᵀ: transposing W2 (513 x 2) and the 2 x 32 result costs less than transposing the
    // 513 x 32 activations (measured ~30% less for this piece on wasm).
    const logits = tf.transpose(tf.matMul(tf.transpose(second), droppedWithOnesT));
    // log-softmax written out (tf.logSoftmax costs ~4x more here, through its custom-gradient wrapper)
    const shifted = tf.sub(logits, tf.max(logits, 1, true));
    const exponentials = tf.exp(shifted);
    const sums = tf.sum(exponentials, 1, true);
    const logProbs = tf.sub(shifted, tf.log(sums));
    const totalWeight = tf.sum(weightedTargets);
    const loss = tf.div(tf.neg(tf.sum(tf.mul(logProbs, weightedTargets))), totalWeight) as tf.Scalar;

    const rowWeight = tf.sum(weightedTargets, 1, true);
    const probabilities = tf.div(exponentials, sums);
    const logitsGradient = tf.div(
      tf.sub(tf.mul(probabilities, rowWeight), weightedTargets),
      totalWeight,
    ) as tf.Tensor2D;
    const secondGradient = tf.matMul(droppedWithOnesT, logitsGradient);
    const w2 = tf.slice(second, [0, 0], [hiddenSize, numClasses]);
    const droppedGradientT = tf.matMul(w2, tf.transpose(logitsGradient));
    const gateT = maskT === undefined ? tf.step(hiddenT) : tf.mul(tf.step(hiddenT), maskT);
    const hiddenGradientT = tf.mul(droppedGradientT, gateT) as tf.Tensor2D;
    const firstGradient = tf.matMul(hiddenGradientT, xWithOnes);
    return { loss, gradients: [firstGradient, secondGradient] };
  }

  /** Free the variables. */
  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}
