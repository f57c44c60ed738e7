// Distributed encoding benchmark: sentences/s through BullMQ + Redis with 1, 2, 4 worker processes on this machine
// (BERT-base-shaped model, SST-2 sentences), against one process encoding alone; then the cost of each chunk (tiny
// model, many small chunks vs few large ones). Starts its own redis-server. Prints a table, writes JSON.
// Run: pnpm --filter @senti/bench start -- queue [--model DIR] [--texts 4000] [--workers 1,2,4]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEncoder, type Dtype, type Encoder } from '@senti/model';
import { encodeDistributed } from '@senti/queue';
import { spawnWorker, startRedis, TINY_BERT, type TestRedis, type WorkerProcess } from '@senti/queue/testing';
import { firstSentences } from './datasets.js';
import { formatTable } from './format-table.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    model: { type: 'string', default: '/tmp/bert-base-random' },
    shared: { type: 'string', default: resolve(repoRoot, '..', 'shared') },
    texts: { type: 'string', default: '4000' },
    workers: { type: 'string', default: '1,2,4' },
    dtype: { type: 'string', default: 'q8' },
    chunk: { type: 'string', default: '256' },
    'max-length': { type: 'string', default: '64' },
    out: { type: 'string', default: join(repoRoot, 'tools', 'bench', 'queue-results.json') },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout
    .write(`usage: node --import tsx --conditions=source tools/bench/src/queue-bench.ts [--model DIR] [--texts N] [--workers 1,2,4] [--dtype q8|fp32] [--chunk N] [--out FILE]
  --model  BERT-base-shaped model dir (../shared/tools/make-bert-base-random DIR); default /tmp/bert-base-random
  needs Debian's redis-server (apt-get install -y redis-server)
`);
  process.exit(0);
}

const cores = availableParallelism();
const dtype = values.dtype as Dtype;
const maxLength = Number(values['max-length']);
const texts = await firstSentences(join(values.shared, 'datasets', 'sst2-train.csv'), Number(values.texts));
const redis = await startRedis();
const rows: string[][] = [];
const row = (run: string, seconds: string, rate: number, chunks: number | string) =>
  rows.push([run, '', seconds, String(rate), String(chunks)]);
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  cores,
  model: values.model,
  dtype,
  maxLength,
  texts: texts.length,
};

try {
  // One process alone, no queue: the reference.
  const encoder = await loadEncoder({ model: values.model, dtype, device: 'cpu', offline: true });
  await encoder.encode(texts.slice(0, 64), { maxLength }); // warm-up
  let started = Date.now();
  await encoder.encode(texts, { maxLength });
  const aloneSeconds = (Date.now() - started) / 1000;
  row(`1 process, no queue (${cores} threads)`, aloneSeconds.toFixed(1), Math.round(texts.length / aloneSeconds), '-');
  results.alone = { seconds: aloneSeconds, rate: texts.length / aloneSeconds };

  const scaling: unknown[] = [];
  for (const count of values.workers.split(',').map(Number)) {
    const threads = Math.max(1, Math.floor(cores / count));
    const run = await timedRun(redis, encoder, texts, {
      model: values.model,
      workers: count,
      threads,
      chunk: Number(values.chunk),
    });
    row(
      `${count} worker${count > 1 ? 's' : ''} x ${threads} thread${threads > 1 ? 's' : ''}`,
      run.seconds.toFixed(1),
      Math.round(run.unique / run.seconds),
      run.chunks,
    );
    scaling.push({ workers: count, threadsEach: threads, ...run, rate: run.unique / run.seconds });
  }
  results.scaling = scaling;
  await encoder.dispose();

  // Per-chunk cost: the same texts through one tiny-model worker in large and in small chunks.
  const tiny = await loadEncoder({ model: TINY_BERT, dtype, device: 'cpu', offline: true });
  started = Date.now();
  await tiny.encode(texts, { maxLength });
  const tinyAlone = (Date.now() - started) / 1000;
  const large = await timedRun(redis, tiny, texts, { model: TINY_BERT, workers: 1, threads: cores, chunk: 2048 });
  const small = await timedRun(redis, tiny, texts, { model: TINY_BERT, workers: 1, threads: cores, chunk: 32 });
  const perChunkMs = ((small.seconds - large.seconds) / (small.chunks - large.chunks)) * 1000;
  await tiny.dispose();
  for (const [label, run] of [
    ['tiny, chunk 2048', large],
    ['tiny, chunk 32', small],
  ] as const) {
    row(`1 worker, ${label}`, run.seconds.toFixed(2), Math.round(run.unique / run.seconds), run.chunks);
  }
  row('tiny, 1 process, no queue', tinyAlone.toFixed(2), Math.round(texts.length / tinyAlone), '-');
  results.perChunk = { tinyAloneSeconds: tinyAlone, large, small, perChunkMs };

  process.stdout.write(
    `\nDistributed encoding, ${texts.length} SST-2 sentences, ${dtype}, max length ${maxLength}, ${cores} cores\n`,
  );
  process.stdout.write(`${formatTable(['run', '', 'seconds', 'sentences/s', 'chunks'], rows)}\n`);
  process.stdout.write(
    `overhead per chunk (enqueue, Redis round trips, job lock, segment write + fsync, poll): ${perChunkMs.toFixed(1)} ms\n`,
  );
  await writeFile(values.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`wrote ${values.out}\n`);
} finally {
  await redis.stop();
}

/** Starts `workers` worker processes with their encoder loaded, then times one encodeDistributed over a fresh store. */
async function timedRun(
  redis: TestRedis,
  encoder: Encoder,
  texts: string[],
  options: { model: string; workers: number; threads: number; chunk: number },
) {
  const cacheDir = await mkdtemp(join(tmpdir(), 'senti-queue-bench-'));
  const queueName = `bench-${Date.now()}`;
  const workers: WorkerProcess[] = [];
  try {
    for (let index = 0; index < options.workers; index++) {
      workers.push(
        spawnWorker(
          {
            queue: redis.url,
            queueName,
            model: options.model,
            offline: true,
            device: 'cpu',
            cacheDir,
            preload: { dtype: encoder.info.dtype, pooling: encoder.info.pooling },
          },
          { SENTI_THREADS: String(options.threads) },
        ),
      );
    }
    await Promise.all(workers.map((worker) => worker.waitFor((event) => event.type === 'ready', 120_000)));
    const started = Date.now();
    const result = await encodeDistributed({
      texts,
      encoder,
      maxLength,
      cacheDir,
      queue: redis.url,
      queueName,
      chunkSize: options.chunk,
    });
    const seconds = (Date.now() - started) / 1000;
    if (result.failed.length > 0) throw new Error(`benchmark chunks failed: ${result.failed[0]!.reason}`);
    const perWorker = workers.map((worker) => worker.events.filter((event) => event.type === 'chunk-done').length);
    return { seconds, unique: result.unique, chunks: result.chunks, chunksPerWorker: perWorker };
  } finally {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
    await rm(cacheDir, { recursive: true, force: true });
  }
}
