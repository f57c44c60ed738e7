// The model on its own thread: same answers bit for bit as in the caller's thread, the same info, errors with their
// codes; an export is served with the info its config.json records.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, ModelError, isSentiError } from '@senti/errors';
import { loadModel, saveModel } from '../artifact/index.js';
import { selectBackend } from '../backend/index.js';
import { loadEncoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { exportModel } from '../export/index.js';
import { createHead } from '../head/index.js';
import { loadModelInThread } from './model-thread.js';
import { createPredictor } from './predictor.js';
import { loadServableModel } from './load-classifier.js';

const LABELS = ['negative', 'neutral', 'positive'];
const TEXTS = [
  'a great movie',
  'terrible, boring and far too long',
  'ok',
  'the plot was thin but the actors carried it with warmth',
  'meh',
];
let root: string;
let modelDir: string;
let cacheDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-thread-'));
  cacheDir = join(root, 'cache');
  modelDir = join(root, 'model');
  await selectBackend({ device: 'cpu' });
  const encoder = await loadEncoder({
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'auto',
    pooling: 'mean',
    cacheDir,
  });
  const head = createHead({ inputSize: 32, numClasses: 3, hiddenSize: 24 }, { seed: 11 });
  head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * 6)));
  await saveModel(modelDir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 20,
    labelNames: LABELS,
    cacheDir,
    metrics: { accuracy: 0.5 },
  });
  head.dispose();
  await encoder.dispose();
});
afterAll(async () => rm(root, { recursive: true, force: true }));

describe('loadModelInThread', () => {
  it('answers exactly as the model loaded in this thread, with the same info', async () => {
    const here = await loadModel(modelDir, { offline: true, device: 'cpu', cacheDir });
    const there = await loadModelInThread(modelDir, { offline: true, device: 'cpu', cacheDir });
    try {
      expect(there.info).toEqual(here.info);
      expect(here.info.encoder.dtype).toBe('int8');
      expect(await there.predict(TEXTS)).toEqual(await here.predict(TEXTS));
      expect(await there.predict(TEXTS.slice(1, 3))).toEqual(await here.predict(TEXTS.slice(1, 3)));
      const concurrent = await Promise.all(TEXTS.map((text) => there.predict([text])));
      expect(concurrent.flat()).toEqual((await Promise.all(TEXTS.map((text) => here.predict([text])))).flat());
    } finally {
      await here.dispose();
      await there.dispose();
    }
    await expect(there.predict(['after dispose'])).rejects.toMatchObject({ code: 'MODEL_CLOSING' });
  });

  it('rejects a model that cannot load with the loader error, code and hint kept', async () => {
    // A model from a newer senti: the loader refuses it with a code, a kind and a hint, all of which must cross.
    const newer = join(root, 'newer');
    await cp(modelDir, newer, { recursive: true });
    const manifest = JSON.parse(await readFile(join(newer, 'senti.json'), 'utf8')) as { formatVersion: number };
    manifest.formatVersion = 99;
    await writeFile(join(newer, 'senti.json'), JSON.stringify(manifest));
    const error: unknown = await loadModelInThread(newer, { offline: true }).catch((caught: unknown) => caught);
    expect(isSentiError(error)).toBe(true);
    expect(ModelError.isInstance(error)).toBe(true); // its family crossed with it, as an error record
    expect(DataError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({
      name: 'ModelError',
      code: 'MODEL_FORMAT_TOO_NEW',
      kind: 'input',
      hint: expect.stringContaining('upgrade senti'),
    });
  });

  it('createPredictor runs the model on a thread by default, with the answers of the caller-thread predictor', async () => {
    const threaded = await createPredictor(modelDir, { offline: true, device: 'cpu', cacheDir });
    const local = await createPredictor(modelDir, { offline: true, device: 'cpu', cacheDir, thread: false });
    try {
      expect(await threaded.predict(TEXTS)).toEqual(await local.predict(TEXTS));
      expect(threaded.describe().info).toEqual(local.describe().info);
    } finally {
      await threaded.close();
      await local.close();
    }
  });
});

describe('serving an export', () => {
  it('reports the real labels, pooling, max length and hidden size from the export, and invents nothing', async () => {
    const out = join(root, 'export');
    await exportModel(modelDir, out, { offline: true, encoderModel: TINY_BERT, cacheDir });
    const served = await loadServableModel(out);
    try {
      expect(served.info).toMatchObject({
        source: 'export',
        labels: LABELS,
        maxLength: 20,
        encoder: { pooling: 'mean', hiddenSize: 32, dtype: 'int8', model: 'tiny-bert' },
      });
      expect(served.info.encoder.fileHash).toMatch(/^[0-9a-f]{64}$/);
      expect(served.info.id).toMatch(/^[0-9a-f]{12}$/);
      expect(served.info.createdAt).toBeUndefined();
      expect(served.info.metrics).toBeUndefined();
    } finally {
      await served.dispose();
    }
  });
});
