import * as tf from '@tensorflow/tfjs-core';
import { createHead, selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateHead } from './evaluate-head.js';
import { lossAndGradients } from './loss-and-gradients.js';
import { classWeights as balancedClassWeights } from '@senti/data';
import { weightedNllLoss, weightedNllValue, weightedOneHot } from './weighted-nll.js';

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

describe('class-weighted NLL (torch NLLLoss(weight=w))', () => {
  // Three rows, two classes; log-probabilities chosen by hand.
  const logProbs = [Math.log(0.8), Math.log(0.2), Math.log(0.4), Math.log(0.6), Math.log(0.9), Math.log(0.1)];
  const labels = [0, 1, 1];
  const weights = [0.75, 1.5];
  // sum_i w[y_i] * -logp_i[y_i] / sum_i w[y_i]
  const expected = (0.75 * -Math.log(0.8) + 1.5 * -Math.log(0.6) + 1.5 * -Math.log(0.1)) / (0.75 + 1.5 + 1.5);

  it('computes the weighted mean on device and in JS', () => {
    const onDevice = tf.tidy(
      () =>
        weightedNllLoss(
          tf.tensor2d(logProbs, [3, 2]),
          tf.tensor2d(weightedOneHot(labels, weights), [3, 2]),
        ).dataSync()[0]!,
    );
    expect(onDevice).toBeCloseTo(expected, 6);
    expect(weightedNllValue(logProbs, labels, weights)).toBeCloseTo(expected, 12);
    // Unweighted differs: the weights really change the loss.
    expect(weightedNllValue(logProbs, labels, [1, 1])).not.toBeCloseTo(expected, 3);
  });

  it('computes sklearn balanced weights', () => {
    expect(balancedClassWeights([0, 0, 0, 1], 2)).toEqual([4 / 6, 4 / 2]);
    expect(() => balancedClassWeights([0, 0], 2)).toThrow(/class 1 has no rows/);
  });

  it('evaluates as the mean of per-batch losses (the tutorial) with accuracy and predictions', async () => {
    const head = createHead({ inputSize: 3, hiddenSize: 4, numClasses: 2 }, { seed: 1 });
    const features = Float32Array.from({ length: 15 }, (_, i) => Math.sin(i));
    const split = { features, labels: [0, 1, 1, 0, 1] };
    const result = await evaluateHead(head, split, [1, 2], { batchSize: 2 });
    const logp = Array.from(result.probabilities, Math.log);
    const batches = [
      [0, 2],
      [2, 4],
      [4, 5],
    ].map(([s, e]) => weightedNllValue(logp, split.labels, [1, 2], s, e));
    expect(result.loss).toBeCloseTo((batches[0]! + batches[1]! + batches[2]!) / 3, 6);
    const predictions = [0, 1, 2, 3, 4].map((row) =>
      result.probabilities[row * 2 + 1]! > result.probabilities[row * 2]! ? 1 : 0,
    );
    expect(result.predictions).toEqual(predictions);
    expect(result.accuracy).toBe(predictions.filter((p, row) => p === split.labels[row]).length / 5);
    head.dispose();
  });
});

describe('lossAndGradients', () => {
  it('matches finite differences of the loss (with a fixed dropout mask)', async () => {
    const head = createHead({ inputSize: 3, hiddenSize: 5, numClasses: 3, dropout: 0.3 }, { seed: 4 });
    const x = tf.tensor2d([0.5, -1, 2, 1.5, 0.3, -0.7, -0.2, 0.8, 0.1, 1, 1, -1], [4, 3]);
    const targets = tf.tensor2d(weightedOneHot([0, 2, 1, 2], [0.5, 1, 2]), [4, 3]);
    const seed = 99;
    const lossAt = () => tf.tidy(() => lossAndGradients(head, x, targets, seed).loss.dataSync()[0]!);
    const analytic = tf.tidy(() =>
      lossAndGradients(head, x, targets, seed).gradients.map((g) => Array.from(g.dataSync())),
    );
    const weights = await head.getWeights();
    const step = 1e-2;
    let checked = 0;
    weights.forEach((array, v) => {
      for (let i = 0; i < array.length; i += 3) {
        const plus = weights.map((w) => w.slice());
        const minus = weights.map((w) => w.slice());
        plus[v]![i]! += step;
        minus[v]![i]! -= step;
        head.setWeights(plus);
        const up = lossAt();
        head.setWeights(minus);
        const down = lossAt();
        expect(analytic[v]![i]!).toBeCloseTo((up - down) / (2 * step), 3);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(10);
    head.setWeights(weights);
    const plain = tf.tidy(() => lossAndGradients(head, x, targets).loss.dataSync()[0]!);
    const viaHead = tf.tidy(() => weightedNllLoss(head.logProbs(x), targets).dataSync()[0]!);
    expect(plain).toBeCloseTo(viaHead, 6);
    [x, targets].forEach((t) => t.dispose());
    head.dispose();
  });
});
