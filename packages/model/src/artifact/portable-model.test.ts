import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { loadEncoder, type Dtype } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead, type ClassificationHead } from '../head/index.js';
import {
  encoderReference,
  findInHfCache,
  loadModel,
  parseHfCachePath,
  saveModel,
  type SentiManifest,
} from './index.js';

const texts = ['a great movie', 'terrible, boring and far too long', 'ok', 'what a great film'];
const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
let root: string;
let cacheDir: string;
let head: ClassificationHead;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-portable-'));
  cacheDir = join(root, 'cache');
  await selectBackend({ device: 'cpu' });
  head = createHead({ inputSize: 32, numClasses: 2, hiddenSize: 16 }, { seed: 4 });
});
afterAll(async () => {
  head.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Saves a model whose encoder is loaded from `encoderDir`, and returns its probabilities for `texts`. */
async function trainLike(dir: string, encoderDir: string, dtype: Dtype, bundle: boolean): Promise<Float32Array> {
  const encoder = await loadEncoder({ model: encoderDir, offline: true, device: 'cpu', dtype, cacheDir }, noGpu);
  try {
    await saveModel(dir, {
      head,
      encoder: encoder.info,
      maxLength: 17,
      labelNames: ['negative', 'positive'],
      bundleEncoder: bundle,
      cacheDir,
    });
    return await head.predictProba(await encoder.encode(texts, { maxLength: 17 }), texts.length);
  } finally {
    await encoder.dispose();
  }
}

async function predictFrom(dir: string, options: { encoderModel?: string } = {}): Promise<Float32Array> {
  const model = await loadModel(dir, { offline: true, device: 'cpu', cacheDir, ...options });
  try {
    return await model.predictProba(texts);
  } finally {
    await model.dispose();
  }
}

/** A Hugging Face cache with the tiny BERT as `senti-test/tiny-bert` at commit `0123abcd`, `refs/main` pointing at it. */
async function hfCache(name = 'hf-hub'): Promise<{ hub: string; snapshot: string }> {
  const hub = join(root, name);
  const repo = join(hub, 'models--senti-test--tiny-bert');
  const snapshot = join(repo, 'snapshots', '0123abcd');
  await cp(TINY_BERT, snapshot, { recursive: true });
  // Like a real cache: snapshot files are relative symlinks into blobs/.
  await mkdir(join(repo, 'blobs'), { recursive: true });
  await rename(join(snapshot, 'onnx', 'model.onnx'), join(repo, 'blobs', 'model-onnx-blob'));
  await symlink(join('..', '..', '..', 'blobs', 'model-onnx-blob'), join(snapshot, 'onnx', 'model.onnx'));
  await mkdir(join(repo, 'refs'), { recursive: true });
  await writeFile(join(repo, 'refs', 'main'), '0123abcd\n');
  return { hub, snapshot };
}

describe('portable model directories', () => {
  it('a model with its int8 encoder bundled predicts the same after being copied elsewhere, with no absolute paths', async () => {
    const dir = join(root, 'bundled');
    const expected = await trainLike(dir, TINY_BERT, 'int8', true);
    expect(await readdir(join(dir, 'encoder', 'onnx'))).toEqual(['model_int8.onnx']); // the built graph, not the fp32 file
    const copy = join(root, 'elsewhere', 'copied-model');
    await cp(dir, copy, { recursive: true });
    await rm(dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(copy, 'senti.json'), 'utf8')) as SentiManifest;
    expect(manifest.encoder).toMatchObject({ bundled: 'encoder', dtype: 'int8', model: 'tiny-bert' });
    expect(JSON.stringify(manifest)).not.toContain(root);
    expect(Array.from(await predictFrom(copy))).toEqual(Array.from(expected));
  });

  it('a model referring to its encoder by Hub id loads it from a local Hugging Face cache layout', async () => {
    const { hub, snapshot } = await hfCache();
    expect(parseHfCachePath(snapshot)).toEqual({ hubId: 'senti-test/tiny-bert', revision: '0123abcd' });
    const dir = join(root, 'by-hub-id');
    const expected = await trainLike(dir, snapshot, 'fp32', false);
    const manifest = JSON.parse(await readFile(join(dir, 'senti.json'), 'utf8')) as SentiManifest;
    expect(manifest.encoder).toMatchObject({
      model: 'senti-test/tiny-bert',
      hubId: 'senti-test/tiny-bert',
      revision: '0123abcd',
    });
    const copy = join(root, 'far', 'away', 'by-hub-id');
    await cp(dir, copy, { recursive: true });
    const previous = env.cacheDir;
    env.cacheDir = hub; // transformers.js's cache folder, here laid out as a Hugging Face cache
    try {
      expect(findInHfCache({ hubId: 'senti-test/tiny-bert', revision: 'main' })).toBe(snapshot);
      expect(Array.from(await predictFrom(copy))).toEqual(Array.from(expected));
    } finally {
      env.cacheDir = previous;
    }
    await expect(predictFrom(copy)).rejects.toMatchObject({
      code: 'MODEL_ENCODER_NOT_FOUND',
      hint: expect.stringMatching(/`encoderModel`/),
    });
    expect(Array.from(await predictFrom(copy, { encoderModel: TINY_BERT }))).toEqual(Array.from(expected));
  });

  it('names Hub encoders by id and revision, local ones by base name and relative path', () => {
    const info = { fileHash: 'f'.repeat(64), dtype: 'int8' as const, pooling: 'pooler' as const, hiddenSize: 32 };
    expect(encoderReference({ ...info, model: 'Xenova/bert-base-uncased' }, '/runs/a/model')).toEqual({
      ...info,
      model: 'Xenova/bert-base-uncased',
      hubId: 'Xenova/bert-base-uncased',
      revision: 'main',
    });
    expect(encoderReference({ ...info, model: TINY_BERT }, join(TINY_BERT, '..', 'runs', 'model'))).toEqual({
      ...info,
      model: 'tiny-bert',
      relativePath: join('..', '..', 'tiny-bert'),
    });
  });

  it('bundles a file, not a symlink, from a Hugging Face cache, so the copy works once the cache is gone', async () => {
    const { hub, snapshot } = await hfCache('hf-hub-2');
    const dir = join(root, 'bundled-from-cache');
    const expected = await trainLike(dir, snapshot, 'fp32', true);
    expect((await lstat(join(dir, 'encoder', 'onnx', 'model.onnx'))).isFile()).toBe(true);
    const copy = join(root, 'moved', 'bundled-from-cache');
    await cp(dir, copy, { recursive: true });
    await rm(hub, { recursive: true, force: true });
    expect(Array.from(await predictFrom(copy))).toEqual(Array.from(expected));
  });
});
