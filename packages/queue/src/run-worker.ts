import { hostname } from 'node:os';
import { WaitingError, Worker, type Job } from 'bullmq';
import {
  defaultCacheDir,
  directoryFeatureStore,
  loadEncoder,
  type Device,
  type Dtype,
  type Encoder,
  type Pooling,
} from '@senti/model';
import { textKey } from '@senti/model';
import { loadTokenizer } from '@senti/tokenize';
import { toErrorRecord, type ErrorRecord } from '@senti/errors';
import { DEFAULT_QUEUE_NAME, failureLogLine, type ChunkJobData, type ChunkJobResult } from './chunk-job.js';
import { QueueError } from './queue-error.js';
import { assertRedisReachable, persistentConnection } from './redis-connection.js';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';

/** `runWorker`'s defaults (the CLI's help shows them): one chunk at a time, stalled chunks looked for every 30 s. */
export const WORKER_DEFAULTS = { concurrency: 1, stalledIntervalMs: 30_000 } as const;

/** Options for {@link runWorker}. */
export interface RunWorkerOptions {
  /** Redis URL (`redis://` or `rediss://`). */
  queue: string;
  /** BullMQ queue name; default `senti-encode`. */
  queueName?: string;
  /** This worker's encoder: Hugging Face id or local directory; jobs for another model file are refused. */
  model: string;
  /** Never download the model. */
  offline?: boolean;
  /** Where the encoder runs; default `auto`. */
  device?: Device;
  /** Load this variant at start (with `pooling`) instead of on the first chunk that asks for it. */
  preload?: { dtype: Dtype; pooling: Pooling };
  /** Feature store root (shared with every worker and the enqueuer); default `SENTI_CACHE_DIR` or `~/.cache/senti`. */
  cacheDir?: string;
  /** Chunks encoded at the same time by this process; default: `WORKER_DEFAULTS` (ONNX Runtime already uses every core). */
  concurrency?: number;
  /** How often stalled chunks (their worker died) are looked for, and how long a chunk's lock lasts; default: `WORKER_DEFAULTS`. */
  stalledIntervalMs?: number;
  /** On close while Redis is unreachable: give up waiting for it after this long in a row, in ms; default 5000. */
  closeTimeoutMs?: number;
  /** Progress and notable moments. */
  onEvent?: (event: WorkerEvent) => void;
}

/** What a worker reports. */
export type WorkerEvent =
  | { type: 'ready'; worker: string; queue: string }
  | { type: 'encoder'; model: string; dtype: string; pooling: string; fileHash: string; device: string }
  | { type: 'chunk-start'; chunkId: string; texts: number; attempt: number }
  | { type: 'chunk-done'; chunkId: string; rows: number; encodeMs: number }
  /** `reason` is the error's message; `error` the whole error as a record (rebuild it with `fromErrorRecord`). */
  | { type: 'chunk-failed'; chunkId: string; reason: string; error: ErrorRecord; attempt: number }
  | { type: 'redis-error'; message: string };

/** A running worker. */
export interface WorkerHandle {
  /** `hostname:pid`. */
  readonly id: string;
  /** Finishes the chunks in hand, then disconnects. */
  close(): Promise<void>;
  /**
   * Settles with this worker's own setup error (its encoder does not load, or is not the one the chunks were made
   * with), once it has put the chunk it took back on the queue untouched (no retry used up) and stopped taking work;
   * never settles otherwise. Close the worker and report the error.
   */
  readonly setupFailed: Promise<Error>;
}

/**
 * Processes chunk jobs: loads the encoder once (per dtype and pooling the jobs ask for), encodes each chunk and
 * appends its rows to the shared store as one atomic segment. Refuses chunks made for another model file. When Redis
 * goes away the worker waits and resumes; a chunk whose worker dies is retried by another (stalled-job recovery).
 */
export async function runWorker(options: RunWorkerOptions): Promise<WorkerHandle> {
  parseRedisUrl(options.queue); // a bad URL is a usage error now, not an endless reconnect loop
  await refuseWrongCredentials(options.queue);
  const id = `${hostname()}:${process.pid}`;
  const emit = options.onEvent ?? (() => {});
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const encoders = new Map<string, Promise<Encoder>>();
  const encoderFor = (dtype: Dtype, pooling: Pooling): Promise<Encoder> => {
    const variant = `${dtype}/${pooling}`;
    let loading = encoders.get(variant);
    if (!loading) {
      loading = loadEncoder({
        model: options.model,
        dtype,
        pooling,
        device: options.device ?? 'auto',
        offline: options.offline,
      });
      loading.then(
        (encoder) =>
          emit({
            type: 'encoder',
            model: encoder.info.model,
            dtype: encoder.info.dtype,
            pooling: encoder.info.pooling,
            fileHash: encoder.info.fileHash,
            device: encoder.device.used,
          }),
        () => encoders.delete(variant),
      );
      encoders.set(variant, loading);
    }
    return loading;
  };
  // The model is checked before any work is taken: a worker whose --model does not load takes no chunk at all.
  if (options.preload) await encoderFor(options.preload.dtype, options.preload.pooling);
  else await loadTokenizer(options.model, { ...(options.offline !== undefined ? { offline: options.offline } : {}) });

  let reportSetupFailure: (error: Error) => void = () => {};
  const setupFailed = new Promise<Error>((resolve) => (reportSetupFailure = resolve));
  /** This worker's own fault, not the chunk's: the chunk goes back to the queue untouched and the worker stops taking work. */
  const refuse = async (
    job: Job<ChunkJobData, ChunkJobResult>,
    token: string | undefined,
    error: Error,
  ): Promise<never> => {
    void worker.pause(true); // `worker` is set by the time a chunk is processed
    await job.moveToWait(token);
    reportSetupFailure(error);
    throw new WaitingError();
  };

  const processChunk = async (job: Job<ChunkJobData, ChunkJobResult>, token?: string): Promise<ChunkJobResult> => {
    const data = job.data;
    emit({ type: 'chunk-start', chunkId: data.chunkId, texts: data.texts.length, attempt: job.attemptsMade + 1 });
    let encoder: Encoder;
    try {
      encoder = await encoderFor(data.identity.dtype as Dtype, data.identity.pooling as Pooling);
    } catch (error) {
      return refuse(job, token, error instanceof Error ? error : new Error(String(error)));
    }
    const { identity } = data;
    if (encoder.info.fileHash !== identity.fileHash || encoder.info.hiddenSize !== identity.hiddenSize) {
      return refuse(
        job,
        token,
        new QueueError(
          'QUEUE_MODEL_MISMATCH',
          `chunk ${data.chunkId} is for model "${data.model}" (${identity.dtype} file sha256 ${identity.fileHash.slice(0, 12)}, hidden ${identity.hiddenSize}) but worker ${id} has "${encoder.info.model}" (sha256 ${encoder.info.fileHash.slice(0, 12)}, hidden ${encoder.info.hiddenSize}); the chunk was put back for other workers: start this worker with the enqueuer's --model`,
          'usage',
        ),
      );
    }
    try {
      const started = Date.now();
      let lastReport = 0;
      const features = await encoder.encode(data.texts, {
        maxLength: identity.maxLength,
        batchSize: data.batchSize,
        onProgress: (done) => {
          if (Date.now() - lastReport < 1000) return;
          lastReport = Date.now();
          void job.updateProgress(done).catch(() => {});
        },
      });
      const encodeMs = Date.now() - started;
      await directoryFeatureStore(cacheDir, identity).put(
        Buffer.concat(data.texts.map((text) => textKey(text))),
        features,
      );
      emit({ type: 'chunk-done', chunkId: data.chunkId, rows: data.texts.length, encodeMs });
      return { rows: data.texts.length, encodeMs, worker: id };
    } catch (error) {
      // The whole error (family, code, hint, details) for the enqueuer; BullMQ itself keeps only the message.
      await job.log(failureLogLine(toErrorRecord(error, { stack: false }))).catch(() => {});
      throw error;
    }
  };

  const stalledInterval = options.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs;
  const worker = new Worker<ChunkJobData, ChunkJobResult>(options.queueName ?? DEFAULT_QUEUE_NAME, processChunk, {
    connection: persistentConnection(options.queue),
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    stalledInterval,
    lockDuration: stalledInterval,
    maxStalledCount: 2,
    autorun: false,
  });
  // Redis's state, so that closing while it is down ends after a bounded wait instead of waiting for it forever.
  let down = false;
  const onRedisChange = new Set<() => void>();
  worker.on('error', () => {
    down = true;
    for (const listener of onRedisChange) listener();
  });
  (worker.backend as unknown as { on(event: 'ready', listener: () => void): void }).on('ready', () => {
    down = false;
    for (const listener of onRedisChange) listener();
  });
  /** Resolves once Redis has been down for `ms` in a row, from now on. */
  const downFor = (ms: number): { reached: Promise<void>; cancel: () => void } => {
    let timer: NodeJS.Timeout | undefined;
    let check = () => {};
    const reached = new Promise<void>((resolve) => {
      check = () => {
        if (down) timer ??= setTimeout(resolve, ms);
        else {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    });
    onRedisChange.add(check);
    check();
    return {
      reached,
      cancel: () => {
        clearTimeout(timer);
        onRedisChange.delete(check);
      },
    };
  };
  let lastError = 0;
  worker.on('error', (error) => {
    if (Date.now() - lastError < 5000) return; // Redis down: one line every 5 s while ioredis keeps reconnecting
    lastError = Date.now();
    emit({ type: 'redis-error', message: error.message });
  });
  worker.on('failed', (job, error) => {
    if (job)
      emit({
        type: 'chunk-failed',
        chunkId: job.data.chunkId,
        reason: error.message,
        error: toErrorRecord(error, { stack: false }),
        attempt: job.attemptsMade,
      });
  });
  void worker
    .run()
    .catch((error: unknown) =>
      emit({ type: 'redis-error', message: error instanceof Error ? error.message : String(error) }),
    );
  await worker.waitUntilReady();
  emit({ type: 'ready', worker: id, queue: redactRedisUrl(options.queue) });
  const running = worker;
  return {
    id,
    setupFailed,
    async close() {
      const closing = running.close();
      closing.catch(() => {});
      // Redis down for closeTimeoutMs in a row: the chunk in hand cannot be recorded anyway (another worker retries it
      // once it is stalled); disconnect instead of waiting for Redis to come back.
      const gone = downFor(options.closeTimeoutMs ?? 5000);
      const closed = await Promise.race([closing.then(() => true), gone.reached.then(() => false)]);
      gone.cancel();
      if (!closed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          running.disconnect().catch(() => {}),
          new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
        ]);
        clearTimeout(timer);
      }
      for (const loading of encoders.values()) await (await loading.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * Fails at once (one line, QUEUE_AUTH_FAILED) when Redis refuses the URL's credentials: retrying cannot fix a wrong
 * password. A Redis that is not up yet is waited for, as a supervisor may start the worker first.
 */
async function refuseWrongCredentials(url: string): Promise<void> {
  try {
    await assertRedisReachable(url);
  } catch (error) {
    if (QueueError.isInstance(error) && error.code === 'QUEUE_AUTH_FAILED') throw error;
  }
}
