import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_BERT } from '@senti/fixtures';
import { loadModel } from '@senti/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune, type FineTuneResult } from '../fine-tune/fine-tune.js';
import { cueWordTexts } from '../testing/cue-word-data.js';

let dir: string;
let result: FineTuneResult;

/** In-memory rows of the cue-word set (labels as names). */
function rows(n: number, seed: number) {
  const { texts, labels } = cueWordTexts(n, seed);
  return texts.map((text, index) => ({ text, label: labels[index] === 1 ? 'positive' : 'negative' }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-fine-tune-unfrozen-'));
  result = await fineTune({
    data: rows(320, 1),
    val: rows(96, 2),
    test: rows(128, 3),
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'fp32',
    pooling: 'cls',
    unfreeze: 2,
    encoderLearningRate: 1e-3,
    learningRate: 1e-3,
    epochs: 8,
    batchSize: 16,
    seed: 5,
    maxLength: 16,
    cacheDir: join(dir, 'cache'),
  });
});
afterAll(async () => {
  await result?.model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('fineTune with unfreeze 2 (tiny model, cue-word data)', () => {
  it('learns what the frozen encoder cannot (>= 90% test accuracy)', () => {
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.cache.misses).toBe(320 + 96);
  });

  it('saves the tuned layers beside head.bin, and the reloaded model answers exactly like the trained one', async () => {
    const modelDir = join(dir, 'model');
    await result.model.save(modelDir);
    const manifest = JSON.parse(await readFile(join(modelDir, 'senti.json'), 'utf8')) as {
      tunedLayers: { file: string; count: number; tensors: unknown[] };
    };
    expect(manifest.tunedLayers.file).toBe('layers.bin');
    expect(manifest.tunedLayers.count).toBe(2);
    expect(manifest.tunedLayers.tensors).toHaveLength(32);
    const texts = result.test.texts.slice(0, 8);
    const direct = await result.model.predictProba(texts);
    // The report's probabilities came from batches padded alongside other test texts: equal up to float rounding.
    direct.forEach((value, index) => expect(value).toBeCloseTo(result.test.probabilities[index]!, 6));
    const loaded = await loadModel(modelDir, { offline: true, device: 'cpu' });
    try {
      expect(Array.from(await loaded.predictProba(texts))).toEqual(Array.from(direct));
    } finally {
      await loaded.dispose();
    }
  });
});
