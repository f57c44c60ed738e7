import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { prepareFeatures } from '@senti/train';
import { encodeData } from './encode-data.js';
import { runWorker, type WorkerHandle } from './run-worker.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { TINY_BERT } from './testing/sample-texts.js';

describe('encodeData', () => {
  let redis: TestRedis;
  let workDir: string;
  let worker: WorkerHandle;
  const previousCacheDir = process.env.SENTI_CACHE_DIR;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'senti-encode-data-'));
    process.env.SENTI_CACHE_DIR = path.join(workDir, 'home-cache'); // where the int8 graph is built, as for fineTune
    redis = await startRedis();
  });

  afterAll(async () => {
    await worker?.close();
    await redis?.stop();
    if (previousCacheDir === undefined) delete process.env.SENTI_CACHE_DIR;
    else process.env.SENTI_CACHE_DIR = previousCacheDir;
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("stores every feature that fineTune's preparation with the same options then reads (default dtype and padding)", async () => {
    const data = path.join(workDir, 'reviews.csv');
    writeFileSync(
      data,
      syntheticReviewsCsv({ rows: 400, classes: ['negative', 'positive'], seed: 11, numericLabels: true }),
    );
    const cacheDir = path.join(workDir, 'store');
    worker = await runWorker({
      queue: redis.url,
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir,
      stalledIntervalMs: 3000,
    });
    const options = {
      data,
      model: TINY_BERT,
      offline: true,
      device: 'cpu' as const,
      cacheDir,
      pooling: 'mean' as const,
    };
    const encoded = await encodeData({ ...options, queue: redis.url, chunkSize: 64 });
    expect(encoded.failed).toEqual([]);
    expect(encoded.identity.dtype).toBe('int8'); // auto on the CPU, resolved as fineTune resolves it
    expect(encoded.texts).toBe(encoded.rows.train + encoded.rows.val + encoded.rows.test);

    const prepared = await prepareFeatures(options);
    try {
      expect(prepared.maxLength.maxLength).toBe(encoded.maxLength.maxLength);
      expect({ hits: prepared.cache.hits, misses: prepared.cache.misses }).toEqual({ hits: encoded.texts, misses: 0 });
    } finally {
      await prepared.encoder.dispose();
    }
  });

  it('refuses val without test through the settings rules, as fineTune does (encodeData has no check of its own)', async () => {
    const refused = encodeData({
      data: path.join(workDir, 'reviews.csv'),
      val: path.join(workDir, 'val.csv'),
      model: TINY_BERT,
      offline: true,
      queue: redis.url,
    });
    await expect(refused).rejects.toMatchObject({
      code: 'TRAIN_BAD_OPTION',
      message: expect.stringContaining('go together'),
    });
  });
});
