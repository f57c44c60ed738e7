import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { FileError, fromErrorRecord } from '@senti/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFeatureStore, encodeWithCache, loadEncoder, type Encoder } from '@senti/model';
import { decodeSegment, KEY_BYTES, storeDir, textKey } from '@senti/model';
import { encodeDistributed, type EncodeEvent } from './encode-distributed.js';
import { persistentConnection } from './redis-connection.js';
import { startRedis, type TestRedis } from './testing/redis-server.js';
import { sampleTexts, TINY_BERT } from './testing/sample-texts.js';
import { spawnWorker, type WorkerProcess } from './testing/worker-process.js';

const MAX_LENGTH = 48;
const STALL_MS = 3000; // lock and stall check: short for a fast test, long enough that a live worker on a busy machine keeps its lock

describe('encodeDistributed with worker processes on a real Redis', () => {
  let redis: TestRedis;
  let encoder: Encoder;
  let workDir: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    encoder = await loadEncoder({ model: TINY_BERT, dtype: 'q8', device: 'cpu', offline: true });
    workDir = mkdtempSync(path.join(tmpdir(), 'senti-queue-test-'));
  });

  afterAll(async () => {
    for (const worker of workers)
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await encoder?.dispose();
    await redis?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('encodes across 3 workers, survives one SIGKILLed mid-chunk, and matches a single-process encode bit for bit', async () => {
    const texts = sampleTexts(1200);
    const cacheDir = path.join(workDir, 'shared');
    const common = {
      queue: redis.url,
      queueName: 'main',
      model: TINY_BERT,
      offline: true,
      device: 'cpu' as const,
      cacheDir,
      stalledIntervalMs: STALL_MS,
    };
    // The victim starts alone, so it takes the first chunks; it is frozen on a chunk it has started and not finished.
    const victim = spawnWorker(common);
    workers.push(victim);
    await victim.waitFor((event) => event.type === 'ready');

    const events: EncodeEvent[] = [];
    const run = encodeDistributed({
      texts,
      encoder,
      maxLength: MAX_LENGTH,
      cacheDir,
      queue: redis.url,
      queueName: 'main',
      chunkSize: 128,
      onEvent: (event) => events.push(event),
    });

    const queue = new Queue('main', { connection: persistentConnection(redis.url) });
    const identity = {
      fileHash: encoder.info.fileHash,
      dtype: 'q8',
      pooling: encoder.info.pooling,
      maxLength: MAX_LENGTH,
      hiddenSize: encoder.info.hiddenSize,
    };
    const store = directoryFeatureStore(cacheDir, identity);
    let killedChunk: string | undefined;
    for (let attempt = 0; attempt < 10 && !killedChunk; attempt++) {
      // Frozen on a chunk started after its encoder was loaded, so it is killed while encoding, not while loading.
      const started = await victim.waitFor(
        (event) =>
          event.type === 'chunk-start' &&
          victim.events.indexOf(event) > victim.events.findIndex((loaded) => loaded.type === 'encoder') &&
          victim.events.some((loaded) => loaded.type === 'encoder') &&
          !victim.events.some((done) => done.type === 'chunk-done' && done.chunkId === event.chunkId),
      );
      victim.child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 200)); // let its last stdout lines arrive
      const chunkId = (started as { chunkId: string }).chunkId;
      const job = await queue.getJob(chunkId);
      const finished = victim.events.some((event) => event.type === 'chunk-done' && event.chunkId === chunkId);
      const stored = job
        ? (await store.has(Buffer.concat((job.data.texts as string[]).map((text) => textKey(text))))).some(Boolean)
        : true;
      if (!finished && !stored && (await queue.getJobState(chunkId)) === 'active') {
        killedChunk = chunkId;
        victim.child.kill('SIGKILL');
      } else {
        victim.child.kill('SIGCONT');
      }
    }
    expect(killedChunk, 'the victim was frozen mid-chunk (job active, no rows stored)').toBeDefined();
    await victim.exited;
    expect(victim.child.signalCode).toBe('SIGKILL');

    for (let index = 0; index < 2; index++) workers.push(spawnWorker(common));
    const result = await run;
    await queue.close();

    expect(result.failed).toEqual([]);
    expect(result.unique).toBe(new Set(texts).size);
    expect(result.encoded).toBe(result.unique);
    const plan = events.find((event) => event.type === 'plan');
    expect(plan).toMatchObject({ texts: 1200, cached: 0, chunks: Math.ceil(result.unique / 128) });
    const last = events.filter((event) => event.type === 'progress').at(-1);
    expect(last).toMatchObject({
      doneTexts: result.unique,
      totalTexts: result.unique,
      doneChunks: result.chunks,
      failedChunks: 0,
      etaMs: 0,
    });
    // The killed chunk was finished by one of the survivors.
    const survivors = workers.slice(1);
    expect(
      survivors.some((worker) =>
        worker.events.some((event) => event.type === 'chunk-done' && event.chunkId === killedChunk),
      ),
    ).toBe(true);

    // Nothing lost, nothing duplicated: every text's row is in exactly one segment.
    const dir = storeDir(cacheDir, identity);
    const counts = new Map<string, number>();
    for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.seg'))) {
      const segment = decodeSegment(readFileSync(path.join(dir, name)), identity.hiddenSize);
      if ('problem' in segment) throw new Error(`${name}: ${segment.problem}`);
      for (let row = 0; row < segment.rows; row++) {
        const key = segment.keys.subarray(row * KEY_BYTES, (row + 1) * KEY_BYTES).toString('hex');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    expect(counts.size).toBe(result.unique);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    // A later single-process run finds every text, and the features are the bits a single process computes.
    const later = await encodeWithCache(encoder, texts, { maxLength: MAX_LENGTH, cacheDir });
    expect({ hits: later.hits, misses: later.misses }).toEqual({ hits: texts.length, misses: 0 });
    const alone = await encodeWithCache(encoder, texts, {
      maxLength: MAX_LENGTH,
      cacheDir: path.join(workDir, 'alone'),
    });
    expect(alone.misses).toBe(texts.length);
    expect(Buffer.from(later.features.buffer).equals(Buffer.from(alone.features.buffer))).toBe(true);

    // Enqueueing the same texts again finds them all in the store and enqueues nothing.
    const again = await encodeDistributed({
      texts,
      encoder,
      maxLength: MAX_LENGTH,
      cacheDir,
      queue: redis.url,
      queueName: 'main',
      chunkSize: 128,
    });
    expect(again).toMatchObject({ cached: result.unique, encoded: 0, chunks: 0, failed: [] });
  });

  it('a worker whose model file differs takes no chunk: it puts the chunk back untouched and exits; a healthy worker then does all (#28 item 4)', async () => {
    const otherModel = path.join(workDir, 'other-model');
    cpSync(TINY_BERT, otherModel, { recursive: true });
    copyFileSync(path.join(TINY_BERT, 'onnx', 'model.onnx'), path.join(otherModel, 'onnx', 'model_quantized.onnx')); // valid ONNX, other bytes
    const cacheDir = path.join(workDir, 'mismatch');
    const stranger = spawnWorker({
      queue: redis.url,
      queueName: 'mismatch',
      model: otherModel,
      offline: true,
      device: 'cpu',
      cacheDir,
      stalledIntervalMs: STALL_MS,
    });
    workers.push(stranger);
    await stranger.waitFor((event) => event.type === 'ready');
    const texts = sampleTexts(40, 99);
    const encoding = encodeDistributed({
      texts,
      encoder,
      maxLength: MAX_LENGTH,
      cacheDir,
      queue: redis.url,
      queueName: 'mismatch',
      chunkSize: 32,
      attempts: 2,
      backoffMs: 100,
    });
    expect(await stranger.exited).toBe(1);
    expect(stranger.stderr()).toMatch(
      /is for model ".*tiny-bert" \(q8 file sha256 [0-9a-f]{12}, hidden 32\) but worker .* has ".*other-model".*the chunk was put back for other workers/,
    );
    expect(stranger.events.filter((event) => event.type === 'chunk-failed')).toEqual([]);
    const healthy = spawnWorker({
      queue: redis.url,
      queueName: 'mismatch',
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir,
      stalledIntervalMs: STALL_MS,
    });
    workers.push(healthy);
    const result = await encoding;
    expect(result.chunks).toBe(2);
    expect(result.failed).toEqual([]);
    expect(result.encoded).toBe(new Set(texts).size);
    expect(
      healthy.events
        .filter((event) => event.type === 'chunk-start')
        .every((event) => event.type === 'chunk-start' && event.attempt === 1),
    ).toBe(true);
  });

  it('a chunk that fails in a worker reaches the enqueuer as its error record: family, code and details, not only the message', async () => {
    // The worker's own store cannot be written (its identity.json is a directory), so every chunk fails at the put.
    const workerCache = path.join(workDir, 'unwritable-worker');
    const identity = {
      fileHash: encoder.info.fileHash,
      dtype: 'q8',
      pooling: encoder.info.pooling,
      maxLength: MAX_LENGTH,
      hiddenSize: encoder.info.hiddenSize,
    };
    mkdirSync(path.join(storeDir(workerCache, identity), 'identity.json'), { recursive: true });
    const worker = spawnWorker({
      queue: redis.url,
      queueName: 'unwritable',
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir: workerCache,
      stalledIntervalMs: STALL_MS,
    });
    workers.push(worker);
    const texts = sampleTexts(12, 5);
    const result = await encodeDistributed({
      texts,
      encoder,
      maxLength: MAX_LENGTH,
      cacheDir: path.join(workDir, 'unwritable'),
      queue: redis.url,
      queueName: 'unwritable',
      chunkSize: 32,
      attempts: 1,
    });
    expect(result.failed).toHaveLength(1);
    const [failure] = result.failed;
    expect(failure!.error).toMatchObject({
      family: 'FileError',
      code: 'FILE_IS_A_DIRECTORY',
      details: { path: expect.stringMatching(/identity\.json$/) },
    });
    expect(failure!.reason).toBe(failure!.error.message);
    const rebuilt = fromErrorRecord(failure!.error);
    expect(FileError.isInstance(rebuilt) && rebuilt.path).toMatch(/identity\.json$/);
    const failedEvent = worker.events.find((event) => event.type === 'chunk-failed');
    expect(failedEvent).toMatchObject({ error: { family: 'FileError', code: 'FILE_IS_A_DIRECTORY' } });
    worker.child.kill('SIGTERM');
    await worker.exited;
  });

  it('a worker whose --model does not load takes no work: one error before it connects', async () => {
    const lost = spawnWorker({
      queue: redis.url,
      queueName: 'lost',
      model: path.join(workDir, 'no-such-model'),
      offline: true,
      device: 'cpu',
      cacheDir: path.join(workDir, 'lost'),
    });
    workers.push(lost);
    expect(await lost.exited).not.toBe(0);
    expect(lost.events.filter((event) => event.type === 'ready')).toEqual([]);
  });

  it('a worker told SIGTERM while Redis is down stops after a bounded wait, on the first signal (#28 item 5)', async () => {
    const doomed = await startRedis();
    const worker = spawnWorker({
      queue: doomed.url,
      queueName: 'doomed',
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir: path.join(workDir, 'doomed'),
      closeTimeoutMs: 1000,
    });
    workers.push(worker);
    await worker.waitFor((event) => event.type === 'ready');
    await doomed.stop();
    await worker.waitFor((event) => event.type === 'redis-error');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
