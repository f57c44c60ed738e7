import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHead } from './classification-head.js';
import { seededRandom } from '@senti/base';

function randomFeatures(n: number, size: number, seed = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: n * size }, () => random() * 2 - 1);
}

describe('ClassificationHead', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('has torch-shaped variables with nn.Linear-style bounds', async () => {
    const head = createHead({ inputSize: 16, numClasses: 3 }, { seed: 7 });
    expect(head.config).toEqual({ inputSize: 16, hiddenSize: 512, numClasses: 3, dropout: 0.1 });
    expect(head.variables.map((variable) => variable.shape)).toEqual([[16, 512], [512], [512, 3], [3]]);
    const [w1, b1, w2] = (await head.getWeights()) as [Float32Array, Float32Array, Float32Array];
    const maxAbs = (values: Float32Array) => values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    expect(maxAbs(w1)).toBeLessThanOrEqual(1 / 4);
    expect(maxAbs(w1)).toBeGreaterThan(0.24);
    expect(maxAbs(b1)).toBeLessThanOrEqual(1 / 4);
    expect(maxAbs(w2)).toBeLessThanOrEqual(1 / Math.sqrt(512));
    head.dispose();
  });

  it('predictProba divides the logits by the calibration temperature; training log-probs and argmax are unchanged', async () => {
    const head = createHead({ inputSize: 8, numClasses: 3, hiddenSize: 16 }, { seed: 3 });
    head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * 8)));
    const features = randomFeatures(6, 8, 5);
    const plain = await head.predictProba(features, 6);
    const logProbs = tf.tidy(() => head.logProbs(tf.tensor2d(features, [6, 8])).arraySync());
    head.setTemperature(2);
    expect(head.temperature).toBe(2);
    const calibrated = await head.predictProba(features, 6);
    for (let row = 0; row < 6; row++) {
      const scaled = logProbs[row]!.map((value) => Math.exp(value / 2));
      const sum = scaled.reduce((a, b) => a + b, 0);
      scaled.forEach((value, column) => expect(calibrated[row * 3 + column]).toBeCloseTo(value / sum, 6));
      const top = (values: Float32Array) =>
        [0, 1, 2].reduce((best, column) => (values[row * 3 + column]! > values[row * 3 + best]! ? column : best), 0);
      expect(top(calibrated)).toBe(top(plain));
    }
    expect(tf.tidy(() => head.logProbs(tf.tensor2d(features, [6, 8])).arraySync())).toEqual(logProbs);
    expect(() => head.setTemperature(0)).toThrow(/temperature must be a positive finite number, got 0/);
    head.dispose();
  });

  it('gives the same weights for the same seed and different ones for another seed', async () => {
    const a = createHead({ inputSize: 8, hiddenSize: 4, numClasses: 2 }, { seed: 3 });
    const b = createHead({ inputSize: 8, hiddenSize: 4, numClasses: 2 }, { seed: 3 });
    const c = createHead({ inputSize: 8, hiddenSize: 4, numClasses: 2 }, { seed: 4 });
    expect(await a.getWeights()).toEqual(await b.getWeights());
    expect((await a.getWeights())[0]).not.toEqual((await c.getWeights())[0]);
    [a, b, c].forEach((head) => head.dispose());
  });

  it('predicts probabilities that sum to 1 and match exp(logProbs)', async () => {
    const head = createHead({ inputSize: 10, hiddenSize: 6, numClasses: 3 });
    const features = randomFeatures(5, 10);
    const probabilities = await head.predictProba(features, 5);
    expect(probabilities.length).toBe(15);
    for (let row = 0; row < 5; row += 1) {
      const sum = probabilities[row * 3]! + probabilities[row * 3 + 1]! + probabilities[row * 3 + 2]!;
      expect(sum).toBeCloseTo(1, 6);
    }
    const logProbsTensor = tf.tidy(() => head.logProbs(tf.tensor2d(features, [5, 10])));
    const logProbs = await logProbsTensor.data();
    logProbsTensor.dispose();
    logProbs.forEach((value, index) => expect(Math.exp(value)).toBeCloseTo(probabilities[index]!, 6));
    await expect(head.predictProba(features, 4)).rejects.toThrow(/expected 4 x 10/);
    head.dispose();
  });

  it('applies seeded inverted dropout only in training mode', () => {
    const head = createHead({ inputSize: 4, hiddenSize: 64, numClasses: 2, dropout: 0.5 });
    const x = tf.tensor2d(randomFeatures(3, 4), [3, 4]);
    const read = (options: { training?: boolean; seed?: number }) =>
      tf.tidy(() => Array.from(head.logProbs(x, options).dataSync()));
    expect(read({})).toEqual(read({ training: false, seed: 1 }));
    expect(read({ training: true, seed: 5 })).toEqual(read({ training: true, seed: 5 }));
    expect(read({ training: true, seed: 5 })).not.toEqual(read({ training: true, seed: 6 }));
    x.dispose();
    head.dispose();
  });

  it('round-trips weights and rejects wrong sizes', async () => {
    const head = createHead({ inputSize: 5, hiddenSize: 3, numClasses: 2 }, { seed: 1 });
    const other = createHead({ inputSize: 5, hiddenSize: 3, numClasses: 2 }, { seed: 2 });
    other.setWeights(await head.getWeights());
    expect(await other.getWeights()).toEqual(await head.getWeights());
    expect(await other.predictProba(randomFeatures(2, 5), 2)).toEqual(await head.predictProba(randomFeatures(2, 5), 2));
    expect(() => other.setWeights([new Float32Array(3)])).toThrow(/needs 4 weight arrays/);
    head.dispose();
    other.dispose();
  });

  it('does not leak tensors over repeated calls', async () => {
    const head = createHead({ inputSize: 6, hiddenSize: 8, numClasses: 2 });
    const features = randomFeatures(4, 6);
    await head.predictProba(features, 4);
    const before = tf.memory().numTensors;
    for (let index = 0; index < 20; index += 1) {
      await head.predictProba(features, 4);
      head.setWeights(await head.getWeights());
    }
    expect(tf.memory().numTensors).toBe(before);
    head.dispose();
    expect(tf.memory().numTensors).toBe(before - 4);
  });
});
