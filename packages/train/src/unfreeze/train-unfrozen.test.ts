import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type Pooling } from '@senti/model';
import {
  BertTopLayers,
  createTfjsStatesEncoder,
  encodeLayerStates,
  LayerStateStore,
  loadTopLayerWeights,
  readBertConfig,
} from '@senti/model/layers';
import { loadTokenizer } from '@senti/tokenize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cueWordTexts } from '../testing/cue-word-data.js';
import { evaluateUnfrozen } from './evaluate-unfrozen.js';
import { trainUnfrozen } from './train-unfrozen.js';
import type { StatesSplit, TrainUnfrozenOptions } from '../types.js';

const TINY_BERT = fileURLToPath(new URL('../../../../fixtures/tiny-bert', import.meta.url));
let dir: string;
beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
  dir = await mkdtemp(path.join(tmpdir(), 'senti-unfrozen-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stores the cue-word splits' layer states for unfreeze k and returns fresh layers and the splits. */
async function prepare(count: number, pooling: Pooling) {
  const config = await readBertConfig(TINY_BERT);
  const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
  const encoder = await createTfjsStatesEncoder(TINY_BERT, config, config.numHiddenLayers - count);
  const store = await LayerStateStore.open(dir, encoder.identity, 16, 'fp16');
  const splits = [cueWordTexts(320, 1), cueWordTexts(96, 2), cueWordTexts(128, 3)];
  const stored: StatesSplit[] = [];
  for (const { texts, labels } of splits) {
    const { keys } = await encodeLayerStates({ texts, tokenizer, encoder, store, maxLength: 16 });
    stored.push({ keys, labels });
  }
  await encoder.dispose();
  const layers = new BertTopLayers(
    config,
    await loadTopLayerWeights(TINY_BERT, config, count, pooling === 'pooler'),
    pooling,
  );
  return { store, layers, train: stored[0]!, val: stored[1]!, test: stored[2]! };
}

const settings: Partial<TrainUnfrozenOptions> = {
  numClasses: 2,
  epochs: 8,
  batchSize: 16,
  learningRate: 1e-3,
  encoderLearningRate: 1e-3,
  seed: 5,
};

describe('trainUnfrozen (tiny model, one cue word decides the label)', () => {
  it('frozen (k = 0, CLS pooling) stays near chance', async () => {
    const { store, layers, train, val, test } = await prepare(0, 'cls');
    const result = await trainUnfrozen({ ...settings, store, layers, train, val, numClasses: 2 });
    const { accuracy } = await evaluateUnfrozen(result.layers, result.head, store, test);
    expect(accuracy).toBeLessThan(0.7);
    result.head.dispose();
    layers.dispose();
    store.close();
  });

  it('unfreeze 2 (CLS pooling) reaches >= 90% test accuracy; tensors do not grow across epochs', async () => {
    const { store, layers, train, val, test } = await prepare(2, 'cls');
    const tensorsAtEpoch: number[] = [];
    const result = await trainUnfrozen({
      ...settings,
      store,
      layers,
      train,
      val,
      numClasses: 2,
      schedule: 'linear',
      onEvent: (event) => {
        if (event.type === 'epoch') tensorsAtEpoch.push(tf.memory().numTensors);
      },
    });
    const { accuracy } = await evaluateUnfrozen(result.layers, result.head, store, test);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(new Set(tensorsAtEpoch).size).toBe(1);
    result.head.dispose();
    layers.dispose();
    store.close();
  });

  it('unfreeze 2 with pooler pooling also learns the cue word (the pooler is trained too)', async () => {
    const { store, layers, train, val, test } = await prepare(2, 'pooler');
    expect(layers.names.at(-1)).toBe('pooler.dense.bias');
    const result = await trainUnfrozen({ ...settings, store, layers, train, val, numClasses: 2 });
    expect((await evaluateUnfrozen(result.layers, result.head, store, test)).accuracy).toBeGreaterThanOrEqual(0.9);
    result.head.dispose();
    layers.dispose();
    store.close();
  });

  it('resumes bit-exactly from a checkpoint (2 epochs, then 3 more, equals 5 straight)', async () => {
    const run = async (epochs: number, checkpointDir?: string, resume?: boolean) => {
      const { store, layers, train, val } = await prepare(1, 'cls');
      const small = {
        train: { keys: train.keys.slice(0, 64), labels: train.labels.slice(0, 64) },
        val: { keys: val.keys.slice(0, 32), labels: val.labels.slice(0, 32) },
      };
      const result = await trainUnfrozen({
        ...settings,
        ...small,
        store,
        layers,
        numClasses: 2,
        epochs,
        checkpointDir,
        resume,
      });
      const weights = [...(await result.layers.getWeights()), ...(await result.head.getWeights())];
      result.head.dispose();
      layers.dispose();
      store.close();
      return { weights, history: result.history.map(({ seconds: _seconds, ...rest }) => rest) };
    };
    const checkpointDir = path.join(dir, 'checkpoint');
    const straight = await run(5);
    await run(2, checkpointDir);
    const resumed = await run(5, checkpointDir, true);
    expect(resumed.history).toEqual(straight.history);
    expect(resumed.weights).toEqual(straight.weights);
  });

  it('refuses unfreeze k > L with one clear line', async () => {
    const config = await readBertConfig(TINY_BERT);
    await expect(loadTopLayerWeights(TINY_BERT, config, 3, false)).rejects.toThrow(
      /unfreeze must be an integer from 0 to 2 .*got 3$/,
    );
  });
});
