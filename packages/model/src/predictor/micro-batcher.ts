import { ModelError } from '@senti/errors';

/** Options of a micro-batcher. */
export interface BatcherOptions<I, O> {
  /** Runs one batch; must return one output per input, in order. */
  run: (items: I[]) => Promise<O[]>;
  /** Most items handed to one `run` call (requests larger than this are split across batches). */
  maxBatchSize: number;
  /** Longest time the oldest queued item waits for more items before a partial batch is run. */
  maxWaitMs: number;
  /** Most items waiting at once; a submit that would exceed it is refused with `MODEL_QUEUE_FULL`. Default: unbounded. */
  maxQueuedItems?: number;
  /**
   * Longest expected wait, in ms: a submit whose items would wait longer (queued items ahead plus its own, at the
   * throughput measured over recent batches) is refused at once with `MODEL_QUEUE_FULL`, and an item that has waited
   * this long without reaching a batch is dropped with `MODEL_QUEUE_TIMEOUT`. Default: unbounded.
   */
  maxQueueMs?: number;
  /** The clock, in ms (tests pass their own). Default `Date.now`. */
  now?: () => number;
  /** Called after each batch (for logs and metrics). */
  onBatch?: (info: { size: number; requests: number; ms: number; error?: unknown }) => void;
}

interface Job<I, O> {
  items: readonly I[];
  results: O[];
  /** Index of the first item not yet handed to a batch. */
  next: number;
  /** Items whose results have not arrived yet. */
  remaining: number;
  enqueuedAt: number;
  settled: boolean;
  /** Removes the abort listener once the job settles. */
  detach?: () => void;
  resolve: (results: O[]) => void;
  reject: (error: unknown) => void;
}

interface Segment<I, O> {
  job: Job<I, O>;
  start: number;
  count: number;
}

/**
 * Collects items from concurrent callers into batches of at most `maxBatchSize`, runs one batch at a time,
 * and resolves each caller with its own slice of the results, in order.
 */
export class MicroBatcher<I, O> {
  private readonly options: BatcherOptions<I, O>;
  private readonly queue: Job<I, O>[] = [];
  private queuedItems = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private drained: Promise<void> | undefined;
  /** Recent time per item, ms (exponential average over batches); undefined until a batch has run. */
  private msPerItem: number | undefined;
  private readonly now: () => number;

  constructor(options: BatcherOptions<I, O>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    if (options.maxQueueMs !== undefined && !(options.maxQueueMs > 0)) throw new RangeError(`maxQueueMs must be > 0, got ${options.maxQueueMs}`);
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /**
   * How long `extra` more items would wait before their batch finishes, in ms, at the throughput of recent batches
   * (undefined before the first batch ran).
   */
  expectedWaitMs(extra = 0): number | undefined {
    return this.msPerItem === undefined ? undefined : (this.queuedItems + extra) * this.msPerItem;
  }

  /**
   * The `MODEL_QUEUE_FULL` error a submit of `count` items would get now (over `maxQueuedItems`, or more expected wait
   * than `maxQueueMs`), or undefined when they would be queued. A server asks with 1 before reading a request body,
   * so an overloaded queue costs it no parsing.
   */
  refusal(count: number): ModelError | undefined {
    const limit = this.options.maxQueuedItems;
    if (limit !== undefined && this.queuedItems + count > limit) {
      return new ModelError('MODEL_QUEUE_FULL', `the prediction queue is full (${this.queuedItems} of ${limit} texts waiting); retry shortly`, 'runtime');
    }
    const maxQueueMs = this.options.maxQueueMs;
    const expected = this.expectedWaitMs(count);
    if (maxQueueMs !== undefined && expected !== undefined && expected > maxQueueMs && this.queuedItems > 0) {
      return new ModelError(
        'MODEL_QUEUE_FULL',
        `the prediction queue is full (${this.queuedItems} texts waiting, about ${Math.round(expected)} ms of work, over the ${maxQueueMs} ms allowed); retry shortly`,
        'runtime',
      );
    }
    return undefined;
  }

  /** Items waiting for a batch. */
  get pending(): number {
    return this.queuedItems;
  }

  /**
   * Queues `items` and resolves with their outputs in order; rejects if a batch holding any of them fails, if the
   * queue is full (`MODEL_QUEUE_FULL`), or when `signal` aborts (`MODEL_ABORTED`: items not yet run are dropped).
   */
  submit(items: readonly I[], signal?: AbortSignal): Promise<O[]> {
    if (this.closing) return Promise.reject(new ModelError('MODEL_CLOSING', 'the model is shutting down', 'runtime'));
    if (signal?.aborted) return Promise.reject(abortError());
    if (items.length === 0) return Promise.resolve([]);
    const refused = this.refusal(items.length);
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise<O[]>((resolve, reject) => {
      const job: Job<I, O> = {
        items, results: new Array<O>(items.length), next: 0, remaining: items.length,
        enqueuedAt: this.now(), settled: false, resolve, reject,
      };
      if (signal !== undefined) {
        const onAbort = () => this.fail(job, abortError());
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.queuedItems += items.length;
      this.schedule();
    });
  }

  /** Stops accepting items, runs everything already queued, and resolves when the last batch is done. */
  close(): Promise<void> {
    this.closing = true;
    this.drained ??= this.drain();
    return this.drained;
  }

  private async drain(): Promise<void> {
    this.schedule();
    while (this.running !== undefined) await this.running;
  }

  /** Starts a batch now if one is due, else arms the timer for when the oldest item has waited long enough. */
  private schedule(): void {
    if (this.running !== undefined || this.queue.length === 0) return;
    const oldest = this.queue[0]!;
    const waited = this.now() - oldest.enqueuedAt;
    if (this.closing || this.queuedItems >= this.options.maxBatchSize || waited >= this.options.maxWaitMs) {
      this.clearTimer();
      this.running = this.runBatch().finally(() => {
        this.running = undefined;
        this.schedule();
      });
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxWaitMs - waited);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Drops jobs that waited longer than `maxQueueMs` without any item reaching a batch (their callers are answered now). */
  private dropExpired(): void {
    const maxQueueMs = this.options.maxQueueMs;
    if (maxQueueMs === undefined || this.closing) return;
    const now = this.now();
    for (const job of this.queue.filter((candidate) => candidate.next === 0 && now - candidate.enqueuedAt > maxQueueMs)) {
      this.fail(job, new ModelError('MODEL_QUEUE_TIMEOUT', `the texts waited ${now - job.enqueuedAt} ms for the model, over the ${maxQueueMs} ms allowed; retry shortly`, 'runtime'));
    }
  }

  /** Takes up to `maxBatchSize` items from the head of the queue. */
  private take(): Segment<I, O>[] {
    this.dropExpired();
    const segments: Segment<I, O>[] = [];
    let size = 0;
    while (size < this.options.maxBatchSize && this.queue.length > 0) {
      const job = this.queue[0]!;
      const count = Math.min(this.options.maxBatchSize - size, job.items.length - job.next);
      segments.push({ job, start: job.next, count });
      job.next += count;
      size += count;
      if (job.next === job.items.length) this.queue.shift();
    }
    this.queuedItems -= size;
    return segments;
  }

  private async runBatch(): Promise<void> {
    const segments = this.take();
    if (segments.length === 0) return;
    const items = segments.flatMap(({ job, start, count }) => job.items.slice(start, start + count));
    const started = this.now();
    let outputs: O[];
    try {
      outputs = await this.options.run(items);
      if (outputs.length !== items.length) {
        throw new Error(`batch run returned ${outputs.length} results for ${items.length} items`);
      }
    } catch (error) {
      this.options.onBatch?.({ size: items.length, requests: segments.length, ms: this.now() - started, error });
      for (const { job } of segments) this.fail(job, error);
      return;
    }
    const ms = this.now() - started;
    const perItem = ms / items.length;
    this.msPerItem = this.msPerItem === undefined ? perItem : 0.7 * this.msPerItem + 0.3 * perItem;
    this.options.onBatch?.({ size: items.length, requests: segments.length, ms });
    let offset = 0;
    for (const { job, start, count } of segments) {
      for (let i = 0; i < count; i += 1) job.results[start + i] = outputs[offset + i]!;
      offset += count;
      job.remaining -= count;
      if (job.remaining === 0 && !job.settled) {
        job.settled = true;
        job.detach?.();
        job.resolve(job.results);
      }
    }
  }

  /** Rejects a job once and drops its items that have not been run yet. */
  private fail(job: Job<I, O>, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.detach?.();
    const index = this.queue.indexOf(job);
    if (index !== -1) {
      this.queue.splice(index, 1);
      this.queuedItems -= job.items.length - job.next;
    }
    job.reject(error);
  }
}

function abortError(): ModelError {
  return new ModelError('MODEL_ABORTED', 'the prediction was cancelled by its caller', 'runtime');
}
