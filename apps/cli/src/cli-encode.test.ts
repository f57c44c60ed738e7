import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type TestRedis } from '@senti/queue/testing';
import { REPO_ROOT, runCli, TINY_BERT } from './testing/run-cli.js';
import { syntheticReviewsCsv } from '@senti/fixtures';

let dir: string;
let redis: TestRedis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-encode-'));
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('senti encode + senti worker', () => {
  it('stores exactly the features a later senti train with the same options asks for', async () => {
    const cacheDir = join(dir, 'store');
    const data = join(dir, 'reviews.csv');
    await writeFile(
      data,
      syntheticReviewsCsv({ rows: 600, classes: ['negative', 'positive'], seed: 3, numericLabels: true }),
    );
    const worker = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        join(REPO_ROOT, 'apps', 'cli', 'src', 'main.ts'),
        'worker',
        '--queue',
        redis.url,
        '--model',
        TINY_BERT,
        '--offline',
        '--device',
        'cpu',
        '--cache-dir',
        cacheDir,
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, CI: 'true', SENTI_CACHE_DIR: cacheDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let workerLog = '';
    worker.stdout.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    try {
      const options = ['--data', data, '--model', TINY_BERT, '--pooling', 'mean', '--cache-dir', cacheDir];
      const encoded = await runCli(['encode', ...options, '--queue', redis.url, '--chunk', '100', '--json'], {
        env: { SENTI_CACHE_DIR: cacheDir },
      });
      expect(encoded.code, encoded.stderr + workerLog).toBe(0);
      const summary = JSON.parse(encoded.stdout) as {
        unique: number;
        encoded: number;
        chunks: number;
        failed: unknown[];
      };
      expect(summary).toMatchObject({ encoded: summary.unique, failed: [] });
      expect(summary.chunks).toBeGreaterThan(1);
      expect(encoded.stderr).toMatch(/Encoding \(all workers\).*\d+ chunks/);

      const trained = await runCli(['train', ...options, '--epochs', '1', '--out', join(dir, 'run'), '--json'], {
        env: { SENTI_CACHE_DIR: cacheDir },
      });
      expect(trained.code, trained.stderr).toBe(0);
      const train = JSON.parse(trained.stdout) as {
        cache: { hits: number; misses: number };
        rows: { train: number; val: number; test: number };
      };
      expect(train.cache).toEqual({ hits: train.rows.train + train.rows.val + train.rows.test, misses: 0 });
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    expect(workerLog).toMatch(/SIGTERM, finishing the chunk in hand/);
  });

  it('exits 1 with one clear line when Redis cannot be reached', async () => {
    const port = await freePort();
    const result = await runCli(
      ['encode', '--data', join(dir, 'reviews.csv'), '--model', TINY_BERT, '--queue', `redis://127.0.0.1:${port}`],
      { env: { SENTI_CACHE_DIR: join(dir, 'store') } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} .*ECONNREFUSED`));
  });

  it('Redis killed while encode waits: one line after --redis-timeout, exit 1, no raw ioredis stack traces (#28 item 5)', async () => {
    const doomed = await startRedis();
    await writeFile(
      join(dir, 'doomed.csv'),
      syntheticReviewsCsv({ rows: 400, classes: ['negative', 'positive'], seed: 12 }),
    );
    let stopping: Promise<void> | undefined;
    const result = await runCli(
      [
        'encode',
        '--data',
        join(dir, 'doomed.csv'),
        '--model',
        TINY_BERT,
        '--queue',
        doomed.url,
        '--chunk',
        '50',
        '--redis-timeout',
        '2',
      ],
      {
        env: { SENTI_CACHE_DIR: join(dir, 'store-doomed') },
        onStdout: (text) => {
          if (stopping === undefined && text.includes('queue redis://')) stopping = doomed.stop();
        },
      },
    );
    await stopping;
    expect(stopping).toBeDefined();
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('senti:'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^senti: lost Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*\) for 2 s while .*run the same command again once Redis is back/,
      ),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at |ECONNREFUSED 127\.0\.0\.1:\d+\n/);
  }, 150_000);
});
