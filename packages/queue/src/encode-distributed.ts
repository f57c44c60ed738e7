import { Queue } from 'bullmq';
import { defaultCacheDir, directoryFeatureStore, type FeatureIdentity, type LoadEncoderOptions } from '@senti/model';
import { textKey } from '@senti/model';
import { throwIfAborted } from '@senti/train';
import type { ErrorRecord } from '@senti/errors';
import { DEFAULT_QUEUE_NAME, lastFailure, type ChunkJobData } from './chunk-job.js';
import { fingerprintEncoder, type EncoderFingerprint } from './encoder-identity.js';
import { ProgressTracker, type EncodeProgress } from './encode-progress.js';
import { planChunks, type PlannedChunk } from './plan-chunks.js';
import { QueueError } from './queue-error.js';
import { watchRedisLost } from './redis-lost.js';
import { assertRedisReachable, persistentConnection } from './redis-connection.js';
import { redactRedisUrl } from './redis-url.js';

/** The encoder whose features are wanted: a loaded `Encoder`, a fingerprint, or options (fingerprinted without an ONNX session). */
export type EncoderChoice =
  EncoderFingerprint | Pick<LoadEncoderOptions, 'model' | 'dtype' | 'pooling' | 'device' | 'offline'>;

/** `encodeDistributed`'s defaults (the CLI's help shows them): chunk size, tries per chunk, notice and Redis-lost periods. */
export const ENCODE_DEFAULTS = { chunkSize: 2000, attempts: 3, noWorkerNoticeMs: 10_000, redisLostMs: 30_000 } as const;

/** Options for {@link encodeDistributed}. */
export interface EncodeDistributedOptions {
  /** Texts whose features are wanted (duplicates are encoded once). */
  texts: readonly string[];
  /** Encoder whose features are wanted; workers must have the same model file. */
  encoder: EncoderChoice;
  /** Padding length in tokens: part of the feature identity. */
  maxLength: number;
  /** Feature store root shared with the workers; default `SENTI_CACHE_DIR` or `~/.cache/senti`. */
  cacheDir?: string;
  /** Redis URL: `redis://[user:password@]host[:port][/db]` or `rediss://` for TLS. */
  queue: string;
  /** BullMQ queue name; default `senti-encode`. */
  queueName?: string;
  /** Texts per chunk (rounded up to a multiple of `batchSize`); default: `ENCODE_DEFAULTS`. */
  chunkSize?: number;
  /** Texts per forward pass on the workers; default 32 (as `encodeWithCache`, so the features are the same bits). */
  batchSize?: number;
  /** Tries per chunk before it is recorded as failed; default: `ENCODE_DEFAULTS`. */
  attempts?: number;
  /** First retry delay in ms, doubled on each retry; default 1000. */
  backoffMs?: number;
  /** How often to look at the chunks' states, in ms; default 500. */
  pollMs?: number;
  /** How long to wait for Redis at the start; default 3000 ms. */
  connectTimeoutMs?: number;
  /** After this long with chunks waiting and no worker connected, report a `no-workers` event (again each period); default: `ENCODE_DEFAULTS`. */
  noWorkerNoticeMs?: number;
  /** Give up (QUEUE_NO_WORKERS) after this long with no worker connected; default: keep waiting. */
  waitForWorkersMs?: number;
  /** Give up (QUEUE_REDIS_LOST) when Redis has been unreachable this long in a row, in ms; default: `ENCODE_DEFAULTS`. */
  redisLostMs?: number;
  /** Progress and notable moments. */
  onEvent?: (event: EncodeEvent) => void;
  /**
   * Stops waiting (`TRAIN_ABORTED`): chunks this call queued that no worker has taken are removed from the queue;
   * chunks in a worker's hands finish and are stored (they are content-addressed, so a rerun uses them).
   */
  signal?: AbortSignal;
}

/** A chunk that failed every try. */
export interface FailedChunk {
  chunkId: string;
  texts: number;
  /** The message of the last error a worker reported. */
  reason: string;
  /** That error as a record: its family, code, kind, hint and details (`fromErrorRecord` rebuilds it). */
  error: ErrorRecord;
  attempts: number;
}

/** What {@link encodeDistributed} reports along the way. */
export type EncodeEvent =
  | {
      type: 'plan';
      texts: number;
      unique: number;
      cached: number;
      toEncode: number;
      chunks: number;
      identity: FeatureIdentity;
      store: string;
      queue: string;
    }
  | { type: 'enqueued'; added: number; alreadyQueued: number }
  | ({ type: 'progress' } & EncodeProgress)
  /** Chunks are waiting and no worker has been connected to the queue for `waitedMs`. */
  | { type: 'no-workers'; waitedMs: number; queue: string; queueName: string }
  | { type: 'chunk-failed'; chunk: FailedChunk };

/** The outcome: how many texts were found, how many encoded by workers, which chunks failed. */
export interface EncodeDistributedResult {
  texts: number;
  unique: number;
  /** Unique texts already in the store before enqueueing. */
  cached: number;
  /** Unique texts encoded by workers during this call. */
  encoded: number;
  chunks: number;
  failed: FailedChunk[];
  identity: FeatureIdentity;
  /** Where the features are. */
  store: string;
  seconds: number;
}

/**
 * Gets the features of `texts` into the shared feature store using any number of `runWorker` processes: splits the
 * texts not yet stored into content-addressed chunks, enqueues them on BullMQ (job id = chunk id, so enqueueing
 * twice is harmless), and waits until every chunk is done or has failed every try.
 */
export async function encodeDistributed(options: EncodeDistributedOptions): Promise<EncodeDistributedResult> {
  const startedAt = Date.now();
  const emit = options.onEvent ?? (() => {});
  const batchSize = options.batchSize ?? 32;
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  await assertRedisReachable(options.queue, options.connectTimeoutMs ?? 3000);
  throwIfAborted(options.signal, 'encoding');

  const encoder = 'info' in options.encoder ? options.encoder : await fingerprintEncoder(options.encoder);
  const plan = await planWork(encoder, options, batchSize);
  const { identity, chunks, store } = plan;
  const toEncode = chunks.reduce((sum, chunk) => sum + chunk.texts.length, 0);
  emit({
    type: 'plan',
    texts: options.texts.length,
    unique: plan.unique,
    cached: plan.cached,
    toEncode,
    chunks: chunks.length,
    identity,
    store: store.location,
    queue: redactRedisUrl(options.queue),
  });

  const failed: FailedChunk[] = [];
  if (chunks.length > 0) {
    let redisGone = false;
    // Reconnects until Redis counts as lost, then stops (a client reconnecting forever would keep the process alive).
    const retryStrategy = (times: number): number | null => (redisGone ? null : Math.min(1000, 50 * times));
    const queue = new Queue<ChunkJobData>(queueName, {
      connection: { ...persistentConnection(options.queue), retryStrategy },
    });
    const redis = watchRedisLost(
      queue,
      options.queue,
      options.redisLostMs ?? ENCODE_DEFAULTS.redisLostMs,
      `${chunks.length} chunks were being queued or encoded`,
    );
    redis.lost.catch(() => (redisGone = true));
    /** One step that talks to Redis, given up when Redis is gone for good (its commands would wait forever). */
    const guarded = <T>(step: Promise<T>): Promise<T> => {
      step.catch(() => {}); // rejected when the client is disconnected below
      return Promise.race([step, redis.lost]);
    };
    try {
      const jobOptions = {
        attempts: options.attempts ?? ENCODE_DEFAULTS.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 7 * 24 * 3600 },
      };
      const added = new Set<string>();
      const enqueue = async (chunk: PlannedChunk) => {
        added.add(chunk.chunkId);
        await queue.add(
          'encode',
          { chunkId: chunk.chunkId, model: plan.model, identity, batchSize, texts: chunk.texts },
          { ...jobOptions, jobId: chunk.chunkId },
        );
      };
      let alreadyQueued = 0;
      await guarded(
        (async () => {
          for (const chunk of chunks) {
            if (options.signal?.aborted === true) break;
            const existing = await queue.getJob(chunk.chunkId);
            const state = existing ? await existing.getState() : 'unknown';
            if (
              state === 'waiting' ||
              state === 'active' ||
              state === 'delayed' ||
              state === 'prioritized' ||
              state === 'waiting-children'
            ) {
              alreadyQueued++; // someone enqueued the same texts: wait for that job
              continue;
            }
            // A finished job with this id whose rows are not in this store (another store, or a failure): run it again.
            if (existing) await existing.remove();
            await enqueue(chunk);
          }
        })(),
      );
      emit({ type: 'enqueued', added: chunks.length - alreadyQueued, alreadyQueued });
      const watch = workerWatch(queue, options, queueName, emit);
      try {
        await guarded(
          waitForChunks(queue, chunks, options.pollMs ?? 500, enqueue, emit, failed, watch, options.signal),
        );
      } catch (error) {
        if (options.signal?.aborted === true && !redis.gone) await guarded(removeWaiting(queue, added)).catch(() => {});
        throw error;
      }
    } finally {
      queue.on('error', () => {}); // a closing client's last reconnect errors are not news
      // Closing waits for Redis: bounded by the same outage limit (Redis may go away while the queue closes).
      if (!redis.gone) await Promise.race([queue.close(), redis.lost.catch(() => {})]);
      redis.stop();
      if (redis.gone) await settledWithin(queue.disconnect(), 1000); // may never settle with Redis gone
    }
    const done = chunks.filter((chunk) => !failed.some((entry) => entry.chunkId === chunk.chunkId));
    const found = await store.has(Buffer.concat(done.map((chunk) => chunk.keys)));
    const absent = found.filter((present) => !present).length;
    if (absent > 0) {
      throw new QueueError(
        'QUEUE_STORE_NOT_SHARED',
        `workers finished ${done.length} chunks, but ${absent} of their texts are not in ${store.location}; do the workers write to the same --cache-dir (a shared volume)?`,
      );
    }
  }
  const encoded = toEncode - failed.reduce((sum, chunk) => sum + chunk.texts, 0);
  return {
    texts: options.texts.length,
    unique: plan.unique,
    cached: plan.cached,
    encoded,
    chunks: chunks.length,
    failed,
    identity,
    store: store.location,
    seconds: (Date.now() - startedAt) / 1000,
  };
}

async function planWork(encoder: EncoderFingerprint, options: EncodeDistributedOptions, batchSize: number) {
  const { maxLength } = options;
  if (!Number.isInteger(maxLength) || maxLength < 3 || maxLength > encoder.tokenizer.modelMaxLength) {
    throw new QueueError(
      'QUEUE_BAD_MAX_LENGTH',
      `maxLength must be an integer from 3 to ${encoder.tokenizer.modelMaxLength}, got ${maxLength}`,
      'usage',
    );
  }
  const { fileHash, dtype, pooling, hiddenSize } = encoder.info;
  const identity: FeatureIdentity = { fileHash, dtype, pooling, maxLength, hiddenSize };
  const store = directoryFeatureStore(options.cacheDir ?? defaultCacheDir(), identity);
  const unique = new Map<string, string>();
  for (const text of options.texts) {
    const hex = textKey(text).toString('hex');
    if (!unique.has(hex)) unique.set(hex, text);
  }
  const uniqueTexts = [...unique.values()];
  const present = await store.has(Buffer.concat([...unique.keys()].map((hex) => Buffer.from(hex, 'hex'))));
  const missing = uniqueTexts.filter((_, index) => !present[index]);
  const chunks = planChunks(missing, {
    identity,
    chunkSize: options.chunkSize ?? ENCODE_DEFAULTS.chunkSize,
    batchSize,
    lengths: encoder.tokenizer.tokenLengths(missing, identity.maxLength),
  });
  return {
    identity,
    unique: uniqueTexts.length,
    cached: uniqueTexts.length - missing.length,
    chunks,
    model: encoder.info.model,
    store,
  };
}

async function waitForChunks(
  queue: Queue<ChunkJobData>,
  chunks: PlannedChunk[],
  pollMs: number,
  enqueue: (chunk: PlannedChunk) => Promise<void>,
  emit: (event: EncodeEvent) => void,
  failed: FailedChunk[],
  watchWorkers: () => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const progress = new ProgressTracker(
    chunks.reduce((sum, chunk) => sum + chunk.texts.length, 0),
    chunks.length,
  );
  const pending = new Map(chunks.map((chunk) => [chunk.chunkId, chunk]));
  let lastEmit = 0;
  while (pending.size > 0) {
    throwIfAborted(signal, 'encoding');
    let changed = false;
    let inFlight = 0; // texts already encoded inside chunks still running, as their workers report them
    for (const [chunkId, chunk] of pending) {
      const state = await queue.getJobState(chunkId);
      if (state === 'active') {
        const progress = (await queue.getJob(chunkId))?.progress;
        if (typeof progress === 'number') inFlight += Math.min(progress, chunk.texts.length);
        continue;
      }
      if (state === 'completed') {
        progress.finish(chunk.texts.length);
      } else if (state === 'failed') {
        const job = await queue.getJob(chunkId);
        const reason = job?.failedReason ?? 'unknown';
        // A worker older than error records logs none: the message alone, as a plain error.
        const error = lastFailure((await queue.getJobLogs(chunkId)).logs) ?? { name: 'Error', message: reason };
        const entry: FailedChunk = {
          chunkId,
          texts: chunk.texts.length,
          reason,
          error,
          attempts: job?.attemptsMade ?? 0,
        };
        failed.push(entry);
        progress.finish(chunk.texts.length, true);
        emit({ type: 'chunk-failed', chunk: entry });
      } else {
        if (state === 'unknown') await enqueue(chunk); // removed by someone else before it ran: put it back
        continue;
      }
      pending.delete(chunkId);
      changed = true;
    }
    const now = Date.now();
    if (changed || now - lastEmit >= 1000 || pending.size === 0) {
      emit({ type: 'progress', ...progress.snapshot(now, inFlight) });
      lastEmit = now;
    }
    if (pending.size > 0) {
      await watchWorkers();
      await pause(pollMs, signal);
    }
  }
}

/** Waits for `promise` (its outcome ignored), but no longer than `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Removes the chunks this call queued that no worker has taken yet (a cancelled encode leaves no work behind). */
async function removeWaiting(queue: Queue<ChunkJobData>, added: ReadonlySet<string>): Promise<void> {
  for (const chunkId of added) {
    const job = await queue.getJob(chunkId);
    const state = job ? await job.getState() : 'unknown';
    if (job && (state === 'waiting' || state === 'delayed' || state === 'prioritized'))
      await job.remove().catch(() => {}); // taken meanwhile: it finishes
  }
}

/**
 * Looks at the workers connected to the queue (BullMQ's `getWorkers`, from Redis's client list) while chunks wait:
 * reports `no-workers` after `noWorkerNoticeMs` without one (and each period after), and gives up after
 * `waitForWorkersMs` when set. A worker seen resets the clock.
 */
function workerWatch(
  queue: Queue<ChunkJobData>,
  options: EncodeDistributedOptions,
  queueName: string,
  emit: (event: EncodeEvent) => void,
): () => Promise<void> {
  const noticeMs = options.noWorkerNoticeMs ?? ENCODE_DEFAULTS.noWorkerNoticeMs;
  let since = Date.now();
  let noticed = 0;
  return async () => {
    const workers = await queue.getWorkers().catch(() => undefined);
    const now = Date.now();
    if (workers === undefined || workers.length > 0) {
      since = now;
      noticed = 0;
      return;
    }
    const waitedMs = now - since;
    if (options.waitForWorkersMs !== undefined && waitedMs >= options.waitForWorkersMs) {
      throw new QueueError(
        'QUEUE_NO_WORKERS',
        `no worker connected to queue "${queueName}" at ${redactRedisUrl(options.queue)} for ${Math.round(waitedMs / 1000)} s; start one with senti worker --queue URL --model MODEL --cache-dir DIR, then run senti encode again (finished chunks are kept)`,
        'runtime',
      );
    }
    if (waitedMs >= noticeMs * (noticed + 1)) {
      noticed = noticeMs > 0 ? Math.floor(waitedMs / noticeMs) : Number.POSITIVE_INFINITY;
      emit({ type: 'no-workers', waitedMs, queue: redactRedisUrl(options.queue), queueName });
    }
  };
}
