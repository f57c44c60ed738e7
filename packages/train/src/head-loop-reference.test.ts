import { readFileSync } from 'node:fs';
import { HEAD_LOOP_REFERENCE } from '@senti/fixtures';
import { selectBackend } from '@senti/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from './train.js';
import type { TrainEvent } from './types.js';

/** PyTorch's run of the tutorial head's whole loop (see the fixture's `about`). */
interface HeadLoopReference {
  inputSize: number;
  hidden: number;
  numClasses: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  weightDecay: number;
  clip: number;
  classWeights: number[];
  train: { features: number[][]; labels: number[] };
  val: { features: number[][]; labels: number[] };
  initial: Record<string, number[][] | number[]>;
  final: Record<string, number[][] | number[]>;
  steps: { loss: number; gradNorm: number }[];
  valLossPerEpoch: number[];
}

const reference = JSON.parse(readFileSync(HEAD_LOOP_REFERENCE, 'utf8')) as HeadLoopReference;

/** torch Linear weights are [out, in]; the head keeps w [in, out]. */
function transposed(rows: number[][]): Float32Array {
  const out = rows.length;
  const inputs = rows[0]!.length;
  const result = new Float32Array(out * inputs);
  rows.forEach((row, o) => row.forEach((value, i) => (result[i * out + o] = value)));
  return result;
}

function headWeights(weights: HeadLoopReference['initial']): Float32Array[] {
  return [
    transposed(weights['fc1.weight'] as number[][]),
    Float32Array.from(weights['fc1.bias'] as number[]),
    transposed(weights['fc2.weight'] as number[][]),
    Float32Array.from(weights['fc2.bias'] as number[]),
  ];
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
});

describe('the head training loop against PyTorch', () => {
  it('matches every step loss and gradient norm, each epoch validation loss and the final weights within 1e-5', async () => {
    const events: TrainEvent[] = [];
    const result = await train({
      train: { features: Float32Array.from(reference.train.features.flat()), labels: reference.train.labels },
      val: { features: Float32Array.from(reference.val.features.flat()), labels: reference.val.labels },
      inputSize: reference.inputSize,
      numClasses: reference.numClasses,
      head: { hiddenSize: reference.hidden, dropout: 0 },
      epochs: reference.epochs,
      batchSize: reference.batchSize,
      learningRate: reference.learningRate,
      weightDecay: reference.weightDecay,
      clipNorm: reference.clip,
      classWeights: reference.classWeights,
      initialWeights: headWeights(reference.initial),
      shuffle: false,
      traceSteps: true,
      onEvent: (event) => events.push(event),
    });
    try {
      const steps = events.flatMap((event) => (event.type === 'step' ? [event] : []));
      expect(steps).toHaveLength(reference.steps.length);
      expect(
        maxAbsDifference(
          steps.map((step) => step.loss),
          reference.steps.map((step) => step.loss),
        ),
      ).toBeLessThan(1e-5);
      expect(
        maxAbsDifference(
          steps.map((step) => step.gradNorm!),
          reference.steps.map((step) => step.gradNorm),
        ),
      ).toBeLessThan(1e-5);
      expect(
        maxAbsDifference(
          result.history.map((epoch) => epoch.valLoss),
          reference.valLossPerEpoch,
        ),
      ).toBeLessThan(1e-5);
      // The final weights of the last epoch: restore the best epoch's only if it was the last one.
      expect(result.bestEpoch).toBe(reference.epochs);
      const final = headWeights(reference.final);
      const weights = await result.head.getWeights();
      weights.forEach((tensor, index) => expect(maxAbsDifference(tensor, final[index]!)).toBeLessThan(1e-5));
    } finally {
      result.head.dispose();
    }
  });
});
