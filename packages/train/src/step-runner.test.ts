import * as tf from '@tensorflow/tfjs-core';
import { createHead, selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { StepRunner } from './step-runner.js';
import { gaussianClusters } from './testing/head-data.js';

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

describe('StepRunner', () => {
  it('gives the same steps whether batches are gathered on device or copied in JS, without leaking', async () => {
    const split = gaussianClusters(50, 6, 2, 3);
    const run = async (onDevice: boolean) => {
      const head = createHead({ inputSize: 6, hiddenSize: 8, numClasses: 2 }, { seed: 1 });
      const optimizer = new AdamW(head.variables, { learningRate: 0.01 });
      const runner = new StepRunner(head, optimizer, split, [1, 2], 1, onDevice);
      const before = tf.memory().numTensors;
      const losses: (number | undefined)[] = [];
      for (const step of [0, 1, 2])
        losses.push(await runner.step(Int32Array.from([step, 10 + step, 20, 33, 49]), step, true));
      expect(tf.memory().numTensors).toBe(before);
      const sum = await runner.readLossSum();
      const weights = await head.getWeights();
      runner.dispose();
      optimizer.dispose();
      head.dispose();
      return { losses, sum, weights };
    };
    const onDevice = await run(true);
    const inJs = await run(false);
    expect(inJs).toEqual(onDevice);
    expect(onDevice.sum).toBeCloseTo(
      onDevice.losses.reduce((a, b) => a! + b!, 0)!,
      5,
    );
  });
});
