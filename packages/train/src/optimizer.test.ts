import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { globalNormFromSquares, gradientNormCoefficient } from './clip-grad-norm.js';

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

describe('AdamW', () => {
  it('matches torch.optim.AdamW step by step (decoupled decay, bias correction)', () => {
    const parameter = tf.variable(tf.tensor1d([1, -2, 0.5]));
    const optimizer = new AdamW([parameter], { learningRate: 0.1, weightDecay: 0.01 });
    // Step 1: p *= 1 - lr*wd = 0.999; m = 0.1 g, v = 0.001 g^2; m_hat = g, sqrt(v_hat) = |g|;
    // p -= lr * g / (|g| + eps) = 0.1 * sign(g) (for |g| >> eps).
    optimizer.apply([tf.tensor1d([0.5, -0.1, 0])]);
    expect(Array.from(parameter.dataSync())).toEqual([
      expect.closeTo(0.999 - 0.1, 7),
      expect.closeTo(-1.998 + 0.1, 7),
      expect.closeTo(0.4995, 7),
    ]);
    // Step 2 from the formulas, in float64.
    const g1 = [0.5, -0.1, 0];
    const g2 = [0.2, 0.3, -0.4];
    const expected = [0.899, -1.898, 0.4995].map((p, i) => {
      const m = 0.9 * (0.1 * g1[i]!) + 0.1 * g2[i]!;
      const v = 0.999 * (0.001 * g1[i]! ** 2) + 0.001 * g2[i]! ** 2;
      const denominator = Math.sqrt(v) / Math.sqrt(1 - 0.999 ** 2) + 1e-8;
      return p * (1 - 0.1 * 0.01) - (0.1 / (1 - 0.9 ** 2)) * (m / denominator);
    });
    optimizer.apply([tf.tensor1d(g2)]);
    Array.from(parameter.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
    expect(optimizer.step).toBe(2);
    optimizer.dispose();
    parameter.dispose();
  });

  it('saves and restores its state exactly', async () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([1, 2]));
    const first = new AdamW([a], { learningRate: 0.01 });
    const second = new AdamW([b], { learningRate: 0.01 });
    first.apply([tf.tensor1d([0.3, -0.2])]);
    b.assign(a);
    second.setState(await first.getState());
    first.apply([tf.tensor1d([0.1, 0.4])]);
    second.apply([tf.tensor1d([0.1, 0.4])]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    [first, second].forEach((optimizer) => optimizer.dispose());
  });
});

describe('gradient-norm clipping (the factor AdamW scales gradients by)', () => {
  const squares = (tensors: tf.Tensor[]) => tensors.map((tensor) => tf.square(tensor));

  it('is maxNorm / (global norm + 1e-6) when the norm over every gradient together is above maxNorm', () => {
    tf.tidy(() => {
      const gradients = [tf.tensor1d([3, 4]), tf.tensor1d([12])];
      expect(globalNormFromSquares(squares(gradients)).dataSync()[0]).toBeCloseTo(13, 5);
      const coefficient = gradientNormCoefficient(squares(gradients), 1).dataSync()[0]!;
      expect(coefficient).toBeCloseTo(1 / (13 + 1e-6), 7);
      const clipped = gradients.map((gradient) => tf.mul(gradient, coefficient));
      const global = Math.sqrt(clipped.reduce((sum, g) => sum + tf.sum(tf.square(g)).dataSync()[0]!, 0));
      expect(global).toBeCloseTo(1, 5);
    });
  });

  it('is 1 under the cap, and sums a large tensor in rows of 32 to the same norm', () => {
    tf.tidy(() => {
      expect(gradientNormCoefficient(squares([tf.tensor1d([0.3, 0.4])]), 1).dataSync()[0]).toBe(1);
      const large = tf.fill([64, 128], 0.5); // 8192 values: the two-level sum
      expect(globalNormFromSquares(squares([large])).dataSync()[0]).toBeCloseTo(Math.sqrt(8192 * 0.25), 3);
    });
  });
});
