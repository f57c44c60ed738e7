import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder, type Encoder } from '@senti/model';
import { encodeDistributed, type EncodeEvent } from './encode-distributed.js';
import { assertRedisReachable } from './redis-connection.js';
import { runWorker, type WorkerEvent } from './run-worker.js';
import { freePort, startRedis, TEST_TLS_CERT, type TestRedis } from './testing/redis-server.js';
import { spawnWorker } from './testing/worker-process.js';
import { sampleTexts, TINY_BERT } from './testing/sample-texts.js';

describe('Redis connections', () => {
  let encoder: Encoder;
  let workDir: string;
  const servers: TestRedis[] = [];

  beforeAll(async () => {
    encoder = await loadEncoder({ model: TINY_BERT, dtype: 'fp32', device: 'cpu', offline: true });
    workDir = mkdtempSync(path.join(tmpdir(), 'senti-queue-connection-'));
  });

  afterAll(async () => {
    await encoder?.dispose();
    for (const server of servers) await server.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  // A client that retried forever would hang past the test's own time limit (no wall-clock assertion of ours).
  it('the enqueuer stops with one clear line instead of retrying when nothing listens at the URL', async () => {
    const port = await freePort();
    const attempt = encodeDistributed({
      texts: ['a film'],
      encoder,
      maxLength: 16,
      cacheDir: workDir,
      queue: `redis://:secret@127.0.0.1:${port}`,
      connectTimeoutMs: 1000,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'QUEUE_UNREACHABLE',
      message: expect.stringMatching(
        new RegExp(
          `^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(.*ECONNREFUSED.*\\); start redis-server`,
        ),
      ),
    });
  }, 30_000);

  it('a password in the URL is used, and a wrong one is reported as such', async () => {
    const server = await startRedis({ password: 'p@ss word' });
    servers.push(server);
    await expect(assertRedisReachable(server.url)).resolves.toBeUndefined();
    await expect(assertRedisReachable(`redis://:wrong@127.0.0.1:${server.port}`)).rejects.toMatchObject({
      code: 'QUEUE_AUTH_FAILED',
      message: expect.stringContaining('redis://:***@127.0.0.1'),
    });
    await expect(assertRedisReachable(`redis://127.0.0.1:${server.port}`)).rejects.toMatchObject({
      code: 'QUEUE_AUTH_FAILED',
    });
  });

  it('a worker with a wrong password stops at once with one line instead of retrying forever (#23 item 11)', async () => {
    const server = await startRedis({ password: 'right' });
    servers.push(server);
    await expect(
      runWorker({
        queue: `redis://:wrong@127.0.0.1:${server.port}`,
        model: TINY_BERT,
        offline: true,
        device: 'cpu',
        cacheDir: workDir,
      }),
    ).rejects.toMatchObject({ code: 'QUEUE_AUTH_FAILED', message: expect.stringContaining('refused the credentials') });
  });

  it('the enqueuer says when no worker is connected, and gives up after waitForWorkersMs (#23 item 11)', async () => {
    const server = await startRedis();
    servers.push(server);
    const events: EncodeEvent[] = [];
    const base = {
      texts: sampleTexts(20, 5),
      encoder,
      maxLength: 32,
      cacheDir: path.join(workDir, 'no-workers'),
      queue: server.url,
      pollMs: 20,
      onEvent: (event: EncodeEvent) => events.push(event),
    };
    await expect(
      encodeDistributed({ ...base, queueName: 'lonely', noWorkerNoticeMs: 0, waitForWorkersMs: 0 }),
    ).rejects.toMatchObject({
      code: 'QUEUE_NO_WORKERS',
      message: expect.stringMatching(
        /^no worker connected to queue "lonely" at redis:\/\/127\.0\.0\.1:\d+ for \d+ s; start one with senti worker/,
      ),
    });
    expect(events.find((event) => event.type === 'no-workers')).toBeUndefined();
    // With the notice at 0 ms and no deadline, the first look already reports it; a worker then finishes the job.
    const worker = await runWorker({
      queue: server.url,
      queueName: 'later',
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir: base.cacheDir,
    });
    try {
      const result = await encodeDistributed({ ...base, queueName: 'later', noWorkerNoticeMs: 0 });
      expect(result.failed).toEqual([]);
      expect(events.filter((event) => event.type === 'no-workers')).toEqual([]);
    } finally {
      await worker.close();
    }
    const waiting = encodeDistributed({
      ...base,
      texts: sampleTexts(10, 9),
      queueName: 'nobody',
      noWorkerNoticeMs: 0,
      waitForWorkersMs: 60_000,
    });
    const seen = new Promise<void>((resolve) => {
      const check = () => (events.some((event) => event.type === 'no-workers') ? resolve() : setImmediate(check));
      check();
    });
    await seen;
    expect(events.find((event) => event.type === 'no-workers')).toMatchObject({
      queueName: 'nobody',
      queue: server.url,
    });
    const joined = await runWorker({
      queue: server.url,
      queueName: 'nobody',
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir: base.cacheDir,
    });
    try {
      await expect(waiting).resolves.toMatchObject({ failed: [] });
    } finally {
      await joined.close();
    }
  });

  it('a cancelled encode stops waiting with TRAIN_ABORTED and takes its queued chunks back off the queue (#22 item 3)', async () => {
    const server = await startRedis();
    servers.push(server);
    const controller = new AbortController();
    const attempt = encodeDistributed({
      texts: sampleTexts(30, 11),
      encoder,
      maxLength: 32,
      chunkSize: 10,
      batchSize: 5,
      cacheDir: path.join(workDir, 'cancelled'),
      queue: server.url,
      queueName: 'cancelled',
      pollMs: 60_000,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'enqueued') controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'TRAIN_ABORTED', message: 'encoding was cancelled' });
    const queue = new Queue('cancelled', { connection: { host: '127.0.0.1', port: server.port } });
    try {
      expect(await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        prioritized: 0,
      });
    } finally {
      await queue.close();
    }
  });

  it('rediss:// speaks TLS and checks the certificate: a self-signed one is refused unless trusted or tls_insecure=1', async () => {
    const server = await startRedis({ tls: true });
    servers.push(server);
    await expect(assertRedisReachable(server.url)).rejects.toMatchObject({
      code: 'QUEUE_UNREACHABLE',
      message: expect.stringMatching(
        /^cannot reach Redis at rediss:\/\/localhost:\d+ \(.*self[- ]signed certificate.*\)/,
      ),
    });
    await expect(assertRedisReachable(`${server.url}?tls_insecure=1`)).resolves.toBeUndefined();
    await expect(assertRedisReachable(server.url.replace('rediss:', 'redis:'), 1000)).rejects.toMatchObject({
      code: 'QUEUE_UNREACHABLE',
    });
    // With the certificate trusted (NODE_EXTRA_CA_CERTS, as a private CA would be), a worker connects with full checks.
    const worker = spawnWorker(
      { queue: server.url, model: TINY_BERT, offline: true, device: 'cpu', cacheDir: path.join(workDir, 'tls') },
      { NODE_EXTRA_CA_CERTS: TEST_TLS_CERT },
    );
    try {
      await expect(worker.waitFor((event) => event.type === 'ready')).resolves.toMatchObject({ queue: server.url });
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  it('a worker waits while Redis is down and takes jobs again when it is back', async () => {
    let server = await startRedis();
    servers.push(server);
    const events: WorkerEvent[] = [];
    const cacheDir = path.join(workDir, 'resume');
    const worker = await runWorker({
      queue: server.url,
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      cacheDir,
      stalledIntervalMs: 2000,
      onEvent: (event) => events.push(event),
    });
    try {
      const port = server.port;
      await server.stop();
      for (let waited = 0; !events.some((event) => event.type === 'redis-error') && waited < 10_000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(events.some((event) => event.type === 'redis-error')).toBe(true);
      server = await startRedis({ port });
      servers.push(server);
      const texts = sampleTexts(50, 3);
      const result = await encodeDistributed({
        texts,
        encoder,
        maxLength: 32,
        cacheDir,
        queue: server.url,
        chunkSize: 32,
      });
      expect(result).toMatchObject({ unique: new Set(texts).size, encoded: new Set(texts).size, failed: [] });
      expect(events.filter((event) => event.type === 'chunk-done')).toHaveLength(result.chunks);
    } finally {
      await worker.close();
    }
  });
});
