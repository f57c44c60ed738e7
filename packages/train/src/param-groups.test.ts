import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { learningRateFactor } from './unfreeze/lr-schedule.js';

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

/** torch.optim.AdamW's update of one scalar parameter, in float64, for `steps` steps of the same gradient. */
function torchAdamW(p: number, gradients: number[], lr: number, wd: number, factor: number[]): number {
  let m = 0;
  let v = 0;
  gradients.forEach((g, index) => {
    const t = index + 1;
    const rate = lr * factor[index]!;
    p *= 1 - rate * wd;
    m = 0.9 * m + 0.1 * g;
    v = 0.999 * v + 0.001 * g * g;
    p -= ((rate / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
  });
  return p;
}

describe('AdamW param groups and the learning-rate schedule', () => {
  it('applies each group its own learning rate and weight decay, clipped over all groups together', async () => {
    const encoderWeight = tf.variable(tf.tensor1d([0.5, -1]));
    const encoderBias = tf.variable(tf.tensor1d([0.25]));
    const headWeight = tf.variable(tf.tensor1d([2]));
    const optimizer = new AdamW([
      { variables: [encoderWeight], learningRate: 2e-2, weightDecay: 0.1 },
      { variables: [encoderBias], learningRate: 2e-2, weightDecay: 0 },
      { variables: [headWeight], learningRate: 1e-1, weightDecay: 0.1 },
    ]);
    const gradients = [[3, -4], [0], [12]];
    // Global norm 13 > 1: every gradient is scaled by 1 / (13 + 1e-6).
    const scale = 1 / (13 + 1e-6);
    const factors = [1, 0.5];
    for (const factor of factors)
      tf.tidy(() =>
        optimizer.apply(
          gradients.map((values) => tf.tensor1d(values)),
          1,
          false,
          factor,
        ),
      );
    const expected = [
      ...[0.5, -1].map((p, i) =>
        torchAdamW(p, [gradients[0]![i]! * scale, gradients[0]![i]! * scale], 2e-2, 0.1, factors),
      ),
      torchAdamW(0.25, [0, 0], 2e-2, 0, factors),
      torchAdamW(2, [12 * scale, 12 * scale], 1e-1, 0.1, factors),
    ];
    const actual = [...(await encoderWeight.data()), ...(await encoderBias.data()), ...(await headWeight.data())];
    actual.forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 6));
    expect(actual[2]).toBe(0.25); // zero gradient, no decay: unchanged
    // A factor of 0 (the first step of a warm-up) moves nothing, however small the moments.
    const before = [...(await encoderWeight.data()), ...(await headWeight.data())];
    tf.tidy(() =>
      optimizer.apply(
        gradients.map((values) => tf.tensor1d(values)),
        1,
        false,
        0,
      ),
    );
    expect([...(await encoderWeight.data()), ...(await headWeight.data())]).toEqual(before);
    expect(await encoderBias.data()).toEqual(Float32Array.from([0.25]));
    optimizer.dispose();
    tf.dispose([encoderWeight, encoderBias, headWeight]);
  });

  it('linear schedule = transformers get_linear_schedule_with_warmup', () => {
    const factors = Array.from({ length: 11 }, (_, step) => learningRateFactor('linear', step, 10, 2));
    expect(factors).toEqual([0, 0.5, 1, 7 / 8, 6 / 8, 5 / 8, 4 / 8, 3 / 8, 2 / 8, 1 / 8, 0]);
    expect(learningRateFactor('constant', 5, 10, 2)).toBe(1);
  });
});
