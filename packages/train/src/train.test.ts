import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@senti/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateHead } from './evaluate-head.js';
import { gaussianClusters } from './testing/head-data.js';
import { train } from './train.js';
import type { TrainEvent } from './types.js';

let dir: string;
beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
  dir = await mkdtemp(join(tmpdir(), 'senti-train-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Train and validation rows from the same clusters (one draw split in two). */
function clusters(n: number, inputSize: number, numClasses: number, spread: number) {
  const all = gaussianClusters(n * 2, inputSize, numClasses, 11, spread);
  const half = n * inputSize;
  return {
    train: { features: all.features.slice(0, half), labels: all.labels.slice(0, n) },
    val: { features: all.features.slice(half), labels: all.labels.slice(n) },
  };
}

const withoutSeconds = (history: { seconds: number }[]) => history.map(({ seconds: _seconds, ...rest }) => rest);

describe('train', () => {
  it('learns separable 2-class features (>= 95% val accuracy), restores the best epoch, emits events', async () => {
    const { train: trainSplit, val } = clusters(400, 16, 2, 1);
    const events: TrainEvent[] = [];
    const tensorsAtEpoch: number[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await train({
      train: trainSplit,
      val,
      inputSize: 16,
      numClasses: 2,
      epochs: 5,
      seed: 3,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'epoch') tensorsAtEpoch.push(tf.memory().numTensors);
      },
    });
    expect(result.history).toHaveLength(5);
    const best = Math.min(...result.history.map((record) => record.valLoss));
    expect(result.bestValLoss).toBe(best);
    expect(result.history[result.bestEpoch - 1]!.valLoss).toBe(best);
    expect(Math.max(...result.history.map((record) => record.valAccuracy))).toBeGreaterThanOrEqual(0.95);
    // The returned head holds the best epoch's weights: re-evaluating gives the recorded best loss.
    const again = await evaluateHead(result.head, val, [1, 1]);
    expect(again.loss).toBeCloseTo(best, 5);
    expect(again.accuracy).toBe(result.history[result.bestEpoch - 1]!.valAccuracy);
    // No tensors pile up from epoch to epoch.
    expect(new Set(tensorsAtEpoch).size).toBe(1);
    expect(events[0]).toEqual({ type: 'start', epochs: 5, stepsPerEpoch: 13, startEpoch: 1 });
    expect(events.filter((event) => event.type === 'epoch').map((event) => (event as { epoch: number }).epoch)).toEqual(
      [1, 2, 3, 4, 5],
    );
    const steps = events.filter((event) => event.type === 'step');
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(
      steps.every(
        (event) =>
          event.type === 'step' &&
          event.loss > 0 &&
          event.etaMs >= 0 &&
          Number.isInteger(event.etaMs) &&
          Number.isInteger(event.elapsedMs),
      ),
    ).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'restore', bestEpoch: result.bestEpoch, bestValLoss: best });
    result.head.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('learns 3 classes well above chance', async () => {
    const { train: trainSplit, val } = clusters(300, 12, 3, 1.2);
    const result = await train({
      train: trainSplit,
      val,
      inputSize: 12,
      numClasses: 3,
      epochs: 4,
      head: { hiddenSize: 64 },
    });
    expect(result.history[result.bestEpoch - 1]!.valAccuracy).toBeGreaterThan(0.8);
    result.head.dispose();
  });

  it('resumes from a checkpoint to exactly the result of an uninterrupted run', async () => {
    const { train: trainSplit, val } = clusters(100, 8, 2, 2);
    const base = {
      train: trainSplit,
      val,
      inputSize: 8,
      numClasses: 2,
      head: { hiddenSize: 32 },
      seed: 5,
      learningRate: 5e-3,
    };
    const full = await train({ ...base, epochs: 4 });
    const checkpointDir = join(dir, 'resume');
    const firstHalf = await train({ ...base, epochs: 2, checkpointDir });
    firstHalf.head.dispose();
    const events: TrainEvent[] = [];
    const resumed = await train({
      ...base,
      epochs: 4,
      checkpointDir,
      resume: true,
      onEvent: (event) => events.push(event),
    });
    expect(events[0]).toMatchObject({ type: 'start', startEpoch: 3 });
    expect(withoutSeconds(resumed.history)).toEqual(withoutSeconds(full.history));
    expect(resumed.bestEpoch).toBe(full.bestEpoch);
    expect(await resumed.head.getWeights()).toEqual(await full.head.getWeights());
    const saved = JSON.parse(await readFile(join(checkpointDir, 'checkpoint.json'), 'utf8')) as { epoch: number };
    expect(saved.epoch).toBe(4);
    full.head.dispose();
    resumed.head.dispose();
  });

  it('rejects a checkpoint made with other settings, naming them, and a corrupt one', async () => {
    const { train: trainSplit, val } = clusters(40, 4, 2, 1);
    const base = { train: trainSplit, val, inputSize: 4, numClasses: 2, head: { hiddenSize: 8 }, epochs: 1 };
    const checkpointDir = join(dir, 'mismatch');
    (await train({ ...base, checkpointDir, seed: 1 })).head.dispose();
    const tensors = tf.memory().numTensors;
    await expect(
      train({ ...base, epochs: 2, checkpointDir, resume: true, seed: 2, batchSize: 16 }),
    ).rejects.toMatchObject({
      code: 'TRAIN_CHECKPOINT_MISMATCH',
      message: expect.stringMatching(/seed 1 \(checkpoint\) vs 2 \(now\), batchSize 32 \(checkpoint\) vs 16 \(now\)/),
    });
    expect(tf.memory().numTensors).toBe(tensors);
    await writeFile(join(checkpointDir, 'checkpoint-epoch-1.bin'), 'garbage');
    await expect(train({ ...base, epochs: 2, checkpointDir, resume: true, seed: 1 })).rejects.toMatchObject({
      code: 'TRAIN_CHECKPOINT_CORRUPT',
    });
  });

  it('stops early after `patience` epochs without a lower validation loss', async () => {
    const noise = gaussianClusters(64, 8, 2, 21, 1);
    const other = gaussianClusters(64, 8, 2, 22, 1);
    const shuffledLabels = other.labels.map((_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
    const events: TrainEvent[] = [];
    const result = await train({
      train: noise,
      val: { features: other.features, labels: shuffledLabels },
      inputSize: 8,
      numClasses: 2,
      epochs: 30,
      patience: 2,
      learningRate: 2e-2,
      classWeights: [1, 1],
      onEvent: (event) => events.push(event),
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(30);
    expect(result.history.length - result.bestEpoch).toBe(2);
    expect(events.some((event) => event.type === 'early-stop')).toBe(true);
    result.head.dispose();
  });

  it('rejects inconsistent inputs with one clear line', async () => {
    const split = { features: new Float32Array(10), labels: [0, 1] };
    await expect(train({ train: split, val: split, inputSize: 4, numClasses: 2 })).rejects.toMatchObject({
      code: 'TRAIN_BAD_FEATURES',
      message: 'train features have 10 values, expected 2 rows x 4',
    });
    const good = { features: new Float32Array(8), labels: [0, 2] };
    await expect(train({ train: good, val: good, inputSize: 4, numClasses: 2 })).rejects.toMatchObject({
      code: 'TRAIN_BAD_LABEL',
    });
    await expect(
      train({
        train: { features: new Float32Array(8), labels: [0, 1] },
        val: good,
        inputSize: 4,
        numClasses: 2,
        resume: true,
      }),
    ).rejects.toMatchObject({ code: 'TRAIN_BAD_LABEL' });
  });
});
