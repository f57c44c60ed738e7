// A model whose int8 encoder graph must be built, with no writable cache (issue #28 item 8): the error says the cache
// cannot be written and how to point it elsewhere, instead of blaming the encoder's location.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/index.js';
import { loadEncoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead } from '../head/index.js';
import { loadModel, saveModel } from './index.js';

const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
let root: string;
const saved = { SENTI_CACHE_DIR: process.env.SENTI_CACHE_DIR, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-cache-unwritable-'));
  await selectBackend({ device: 'cpu' });
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(root, { recursive: true, force: true });
});

describe('loadModel with an unwritable cache', () => {
  it('names the cache and SENTI_CACHE_DIR, not the encoder location', async () => {
    const encoder = await loadEncoder(
      {
        model: TINY_BERT,
        offline: true,
        device: 'cpu',
        dtype: 'int8',
        pooling: 'mean',
        cacheDir: join(root, 'build-cache'),
      },
      noGpu,
    );
    const head = createHead({ inputSize: 32, numClasses: 2, hiddenSize: 8 }, { seed: 3 });
    const dir = join(root, 'model');
    await saveModel(dir, {
      head,
      encoder: { ...encoder.info, path: TINY_BERT },
      maxLength: 12,
      labelNames: ['neg', 'pos'],
      bundleEncoder: false,
      cacheDir: join(root, 'build-cache'),
    });
    head.dispose();
    await encoder.dispose();
    await writeFile(join(root, 'a-file'), 'x');
    delete process.env.SENTI_CACHE_DIR;
    process.env.XDG_CACHE_HOME = join(root, 'a-file', 'cache'); // under a file: nothing can be written there
    const loading = loadModel(dir, { offline: true, device: 'cpu', encoderModel: TINY_BERT });
    await expect(loading).rejects.toMatchObject({
      code: 'MODEL_CACHE_NOT_WRITABLE',
      hint: expect.stringContaining('SENTI_CACHE_DIR'),
    });
    await expect(loading).rejects.toThrow(/cannot prepare the int8 encoder of the model in .*: .*a-file/);
  });
});
