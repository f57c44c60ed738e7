import * as tf from '@tensorflow/tfjs-core';
import { createHead, selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { lossAndGradients } from './loss-and-gradients.js';
import { TransposedHead } from './transposed-head.js';
import { StepRunner } from './step-runner.js';
import { gaussianClusters } from './testing/head-data.js';
import { weightedOneHot } from './weighted-nll.js';

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

const closeArrays = (actual: Float32Array[], expected: Float32Array[], tolerance: number) => {
  expect(actual.map((array) => array.length)).toEqual(expected.map((array) => array.length));
  actual.forEach((array, index) =>
    array.forEach((value, i) => expect(Math.abs(value - expected[index]![i]!)).toBeLessThan(tolerance)),
  );
};

describe('TransposedHead', () => {
  it('round-trips weights and moments between layouts exactly', async () => {
    const head = createHead({ inputSize: 6, hiddenSize: 4, numClasses: 3 }, { seed: 2 });
    const transposed = new TransposedHead(head);
    const weights = await head.getWeights();
    const packed = await Promise.all(
      transposed.variables.map(async (variable) => (await variable.data()) as Float32Array),
    );
    expect(transposed.unpack(packed)).toEqual(weights);
    expect(transposed.unpack(transposed.pack(weights))).toEqual(weights);
    const other = createHead({ inputSize: 6, hiddenSize: 4, numClasses: 3 }, { seed: 9 });
    transposed.writeTo(other);
    expect(await other.getWeights()).toEqual(weights);
    // The biases written back work in the fused matMul (wasm needs them made rank 1, not reshaped).
    const features = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i));
    expect(await other.predictProba(features, 2)).toEqual(await head.predictProba(features, 2));
    other.dispose();
    transposed.dispose();
    head.dispose();
  });

  it('gives the loss and gradients of lossAndGradients (with and without dropout)', () => {
    const head = createHead({ inputSize: 5, hiddenSize: 7, numClasses: 3, dropout: 0.3 }, { seed: 4 });
    const transposed = new TransposedHead(head);
    const x = tf.tensor2d(
      Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 1.7)),
      [4, 5],
    );
    const targets = tf.tensor2d(weightedOneHot([0, 2, 1, 2], [0.5, 1, 2]), [4, 3]);
    for (const seed of [undefined, 99]) {
      const [reference, fast] = tf.tidy(() => {
        const a = lossAndGradients(head, x, targets, seed);
        const b = transposed.lossAndGradients(x, targets, seed);
        return [
          [a.loss, ...a.gradients],
          [b.loss, ...b.gradients],
        ].map((list) => list.map((t) => t.dataSync() as Float32Array));
      }) as [Float32Array[], Float32Array[]];
      expect(fast[0]![0]).toBeCloseTo(reference[0]![0]!, 6);
      closeArrays(transposed.unpack(fast.slice(1)), reference.slice(1), 1e-6);
    }
    [x, targets].forEach((t) => t.dispose());
    head.dispose();
    transposed.dispose();
  });

  it('trains like the head itself: same steps within float rounding, no leaks', async () => {
    const split = gaussianClusters(64, 6, 2, 3);
    const run = async (useTransposed: boolean, onDevice = false, routes: string[] = []) => {
      const head = createHead({ inputSize: 6, hiddenSize: 8, numClasses: 2 }, { seed: 1 });
      const transposed = useTransposed ? new TransposedHead(head) : undefined;
      const optimizer = new AdamW(transposed?.variables ?? head.variables, { learningRate: 0.01 });
      const runner = new StepRunner(transposed ?? head, optimizer, split, [1, 2], 0.05, onDevice);
      const before = tf.memory().numTensors;
      const losses: number[] = [];
      for (let step = 0; step < 6; step += 1)
        losses.push((await runner.step(Int32Array.from([step, 10 + step, 20, 33, 49, 63]), step, true))!);
      expect(tf.memory().numTensors).toBe(before);
      routes.push(runner.route!);
      transposed?.writeTo(head);
      const state = await optimizer.getState();
      const result = {
        losses,
        weights: await head.getWeights(),
        moments: transposed?.unpack(state.firstMoments) ?? state.firstMoments,
      };
      runner.dispose();
      optimizer.dispose();
      transposed?.dispose();
      head.dispose();
      return result;
    };
    const routes: string[] = [];
    const plain = await run(false, false, routes);
    const fast = await run(true, false, routes);
    const gathered = await run(true, true, routes);
    // On wasm the transposed head on host batches takes the fused kernels (ONNX Runtime GEMMs + SIMD AdamW); the
    // on-device route stays on tfjs kernels: same steps within float rounding.
    expect(routes).toEqual(['tfjs', tf.getBackend() === 'wasm' ? 'fused' : 'tfjs', 'tfjs']);
    for (const other of [plain, gathered]) {
      fast.losses.forEach((loss, step) => expect(loss).toBeCloseTo(other.losses[step]!, 5));
      closeArrays(fast.weights, other.weights, 1e-5);
      closeArrays(fast.moments, other.moments, 1e-6);
    }
  });
});
