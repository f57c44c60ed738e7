import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PER_TOKEN_INT8 } from '@senti/onnx';
import { INT8_FILE } from './int8-encoder-file.js';
import { loadEncoder, prefetchEncoder } from './load-encoder.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';

const dirs: string[] = [];
async function tempCache(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'senti-prefetch-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const scheme = PER_TOKEN_INT8.replace('/', '-');
const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
const cuda = async () => ({ cudaProvider: true });

describe('prefetchEncoder', () => {
  it('builds the int8 graph in the background, and loadEncoder joins that build', async () => {
    const cacheDir = await tempCache();
    const prefetched = prefetchEncoder({ model: TINY_BERT, dtype: 'auto', device: 'auto', cacheDir }, noGpu);
    const encoder = await loadEncoder(
      { model: TINY_BERT, dtype: 'auto', device: 'cpu', offline: true, cacheDir },
      noGpu,
    );
    try {
      expect(encoder.info.dtype).toBe('int8');
      expect(await prefetched).toBe(true);
      const builds = await readdir(path.join(cacheDir, 'int8-encoders', scheme));
      expect(builds).toHaveLength(1);
      expect(existsSync(path.join(cacheDir, 'int8-encoders', scheme, builds[0]!, 'onnx', INT8_FILE))).toBe(true);
    } finally {
      await encoder.dispose();
    }
  });

  it('starts nothing when the run will not use int8: fp32 or q8 asked for, a GPU found, a Hub id', async () => {
    const cacheDir = await tempCache();
    const started = await Promise.all([
      prefetchEncoder({ model: TINY_BERT, dtype: 'fp32', device: 'cpu', cacheDir }, noGpu),
      prefetchEncoder({ model: TINY_BERT, dtype: 'q8', device: 'cpu', cacheDir }, noGpu),
      prefetchEncoder({ model: TINY_BERT, dtype: 'auto', device: 'auto', cacheDir }, cuda),
      prefetchEncoder({ model: TINY_BERT, dtype: 'int8', device: 'gpu', cacheDir }, noGpu),
      prefetchEncoder({ model: 'Xenova/bert-base-uncased', dtype: 'int8', device: 'cpu', cacheDir }, noGpu),
    ]);
    expect(started).toEqual([false, false, false, false, false]);
    expect(existsSync(path.join(cacheDir, 'int8-encoders'))).toBe(false);
  });
});
