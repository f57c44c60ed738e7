import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { loadEncoder, type Encoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead, type ClassificationHead } from '../head/index.js';
import { loadModel, readManifest, saveModel, type SentiManifest } from './index.js';

const texts = ['a great movie', 'terrible, boring and far too long', 'ok'];
let root: string;
let encoder: Encoder;
let head: ClassificationHead;
let modelDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-artifact-'));
  await selectBackend({ device: 'cpu' });
  encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu' });
  head = createHead({ inputSize: encoder.info.hiddenSize, numClasses: 2, hiddenSize: 16 }, { seed: 9 });
  modelDir = join(root, 'model');
  await saveModel(modelDir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 17,
    labelNames: ['negative', 'positive'],
    metrics: { accuracy: 0.5 },
    training: { epochs: 1 },
  });
});

afterAll(async () => {
  head.dispose();
  await encoder.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Copy the saved model and change its manifest. */
async function variant(name: string, change: (manifest: SentiManifest) => void): Promise<string> {
  const dir = join(root, name);
  await saveModel(dir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 17,
    labelNames: ['negative', 'positive'],
  });
  const manifest = JSON.parse(await readFile(join(dir, 'senti.json'), 'utf8')) as SentiManifest;
  change(manifest);
  await writeFile(join(dir, 'senti.json'), JSON.stringify(manifest));
  return dir;
}

describe('saveModel / loadModel', () => {
  it('writes a complete manifest with versions and hashes', async () => {
    const manifest = await readManifest(modelDir);
    expect(manifest).toMatchObject({
      format: 'senti-model',
      formatVersion: 1,
      maxLength: 17,
      labelNames: ['negative', 'positive'],
      head: { inputSize: 32, hiddenSize: 16, numClasses: 2, dropout: 0.1 },
      encoder: { model: 'tiny-bert', dtype: 'fp32', fileHash: encoder.info.fileHash, hiddenSize: 32 },
      metrics: { accuracy: 0.5 },
      training: { epochs: 1 },
    });
    expect(manifest.weights.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.encoder.path).toBeUndefined();
    // Portable either way: a relative path when the fixture and the temp dir share a top-level folder (a clone under
    // /tmp), else the encoder is bundled — never an absolute path.
    if (manifest.encoder.relativePath === undefined) expect(manifest.encoder.bundled).toBe('encoder');
    else expect(manifest.encoder.relativePath.startsWith('/')).toBe(false);
    expect(JSON.stringify(manifest)).not.toContain(TINY_BERT); // no absolute paths
    expect(Object.keys(manifest.versions)).toEqual(
      expect.arrayContaining(['@huggingface/transformers', 'onnxruntime-node', '@tensorflow/tfjs-core']),
    );
    expect((await readdir(root)).filter((entry) => entry.startsWith('.'))).toEqual([]);
  });

  it('round-trips: the loaded model predicts what the head predicts on the encoder features', async () => {
    const model = await loadModel(modelDir, { offline: true, device: 'cpu' });
    expect(model.backend.name).toBe('wasm');
    const expected = await head.predictProba(await encoder.encode(texts, { maxLength: 17 }), texts.length);
    const probabilities = await model.predictProba(texts);
    Array.from(probabilities).forEach((value, index) => expect(value).toBeCloseTo(expected[index]!, 6));
    const predictions = await model.predict(texts);
    predictions.forEach((prediction, row) => {
      const [negative, positive] = [expected[row * 2]!, expected[row * 2 + 1]!];
      expect(prediction.labelIndex).toBe(positive > negative ? 1 : 0);
      expect(prediction.label).toBe(['negative', 'positive'][prediction.labelIndex]);
      expect(prediction.score).toBeCloseTo(Math.max(negative, positive), 6);
      expect(prediction.probabilities.negative! + prediction.probabilities.positive!).toBeCloseTo(1, 6);
    });
    await model.dispose();
  });

  it('replaces a previous model in place and refuses to overwrite a non-model directory', async () => {
    const other = createHead({ inputSize: 32, numClasses: 2, hiddenSize: 16 }, { seed: 10 });
    const dir = join(root, 'replace');
    const save = () =>
      saveModel(dir, {
        head: other,
        encoder: encoder.info,
        maxLength: 17,
        labelNames: ['n', 'p'],
        bundleEncoder: false,
      });
    await save();
    await save();
    expect((await readdir(dir)).sort()).toEqual(['head.bin', 'senti.json']);
    other.dispose();
    const foreign = join(root, 'foreign');
    await saveModel(foreign, { head, encoder: encoder.info, maxLength: 17, labelNames: ['n', 'p'] });
    await rm(join(foreign, 'senti.json'));
    await expect(
      saveModel(foreign, { head, encoder: encoder.info, maxLength: 17, labelNames: ['n', 'p'] }),
    ).rejects.toMatchObject({ code: 'MODEL_DIR_NOT_EMPTY' });
  });

  it('reports a missing model, a newer format and a corrupted head.bin', async () => {
    const missing = join(root, 'nothing-here');
    await expect(loadModel(missing)).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      message: `no senti model in ${missing} (senti.json missing)`,
    });
    const newer = await variant('newer', (manifest) => {
      (manifest as { formatVersion: number }).formatVersion = 2;
    });
    await expect(loadModel(newer)).rejects.toMatchObject({ code: 'MODEL_FORMAT_TOO_NEW' });
    const corrupt = await variant('corrupt', () => {});
    const bytes = await readFile(join(corrupt, 'head.bin'));
    bytes[10] = bytes[10]! ^ 0xff;
    await writeFile(join(corrupt, 'head.bin'), bytes);
    await expect(loadModel(corrupt)).rejects.toMatchObject({ code: 'MODEL_CORRUPT' });
  });

  it('reports an encoder that moved (with a hint) or changed, and accepts an override location', async () => {
    const moved = await variant('moved', (manifest) => {
      delete manifest.encoder.bundled;
      manifest.encoder.relativePath = '../gone-encoder';
    });
    const error = await loadModel(moved, { offline: true, device: 'cpu' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODEL_ENCODER_NOT_FOUND', hint: expect.stringMatching(/encoder location/) });
    const model = await loadModel(moved, { offline: true, device: 'cpu', encoderModel: TINY_BERT });
    expect((await model.predict(['fine'])).length).toBe(1);
    await model.dispose();
    const changed = await variant('changed', (manifest) => {
      manifest.encoder.fileHash = '0'.repeat(64);
    });
    await expect(loadModel(changed, { offline: true, device: 'cpu' })).rejects.toMatchObject({
      code: 'MODEL_ENCODER_MISMATCH',
    });
  });
});
