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
  /**
   * Work of one item, in any unit (a predictor passes an estimate of a text's tokens): the expected wait and the
   * throughput estimate count work, not items, so a few costly items cannot pass for cheap ones. Default 1 per item.
   */
  cost?: (item: I) => number;
  /**
   * How far back the throughput estimate looks, in ms: it is the best time per unit of work of the batches finished in
   * this window (not an average), so a burst that slows batches down (a CPU spike, a storm of refused retries on the
   * same cores) cannot inflate it and lock the queue shut; a slowdown that lasts longer than the window is taken in.
   * Default 30000.
   */
  estimateWindowMs?: number;
  /** The clock, in ms (tests pass their own). Default `Date.now`. */
  now?: () => number;
  /** Called after each batch (for logs and metrics). */
  onBatch?: (info: { size: number; requests: number; ms: number; error?: unknown }) => void;
}

interface Job<I, O> {
  items: readonly I[];
  /** Work of each item (see `BatcherOptions.cost`). */
  costs: number[];
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

/** The best time per unit of work of the batches that finished in one slice of the estimate window. */
interface Sample {
  /** When the slice began. */
  at: number;
  msPerCost: number;
}

/** Slices of the estimate window: its samples stay few however many batches run. */
const WINDOW_SLICES = 30;

/**
 * Collects items from concurrent callers into batches of at most `maxBatchSize`, runs one batch at a time,
 * and resolves each caller with its own slice of the results, in order.
 */
export class MicroBatcher<I, O> {
  private readonly options: BatcherOptions<I, O>;
  private readonly queue: Job<I, O>[] = [];
  private queuedItems = 0;
  private queuedCost = 0;
  private running: Promise<void> | undefined;
  /** Work and start time of the batch running now (its expected end counts in every wait). */
  private runningCost = 0;
  private runningSince = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Fires at the earliest deadline (`maxQueueMs`) of the queued jobs. */
  private expiryTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private drained: Promise<void> | undefined;
  /** Time per unit of work of recent batches (see `estimateWindowMs`). */
  private samples: Sample[] = [];
  /**
   * Time per unit of work of the last batch alone. Admission uses the window's best (a CPU spike cannot lock the queue
   * shut); whether the coming batch can still meet a deadline uses the slower of the two, so a machine slowed right now
   * answers MODEL_QUEUE_TIMEOUT on time instead of a late 200.
   */
  private lastMsPerCost: number | undefined;
  /**
   * Items the next batch waits for: those waiting when the last batch ended plus as many as it held (their callers,
   * just answered, are the ones coming back); 0 before the first batch.
   */
  private expectedItems = 0;
  /** When the last batch ended: items that arrived while it ran start waiting for company only then. */
  private freeSince = -Infinity;
  private readonly now: () => number;
  private readonly costOf: (item: I) => number;
  private readonly estimateWindowMs: number;

  constructor(options: BatcherOptions<I, O>) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    }
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    if (options.maxQueueMs !== undefined && !(options.maxQueueMs > 0))
      throw new RangeError(`maxQueueMs must be > 0, got ${options.maxQueueMs}`);
    this.options = options;
    this.now = options.now ?? Date.now;
    this.costOf = options.cost ?? (() => 1);
    this.estimateWindowMs = options.estimateWindowMs ?? 30_000;
  }

  /**
   * Time per unit of work, ms: the best of the batches finished within `estimateWindowMs` (the last batch always
   * counts); undefined before the first batch.
   */
  msPerCost(): number | undefined {
    const since = this.now() - this.estimateWindowMs;
    this.samples = this.samples.filter((sample, index) => sample.at >= since || index === this.samples.length - 1);
    if (this.samples.length === 0) return undefined;
    return Math.min(...this.samples.map((sample) => sample.msPerCost));
  }

  /**
   * How long work of `extraCost` more would wait before its batch finishes, in ms: what is left of the running batch
   * plus the queued work plus its own, at the estimated time per unit (undefined before the first batch ran).
   */
  expectedWaitMs(extraCost = 0): number | undefined {
    const msPerCost = this.msPerCost();
    if (msPerCost === undefined) return undefined;
    const runningLeft =
      this.running === undefined ? 0 : Math.max(0, this.runningSince + this.runningCost * msPerCost - this.now());
    return runningLeft + (this.queuedCost + extraCost) * msPerCost;
  }

  /**
   * The `MODEL_QUEUE_FULL` error a submit of `count` items of work `cost` (default: `count`) would get now (over
   * `maxQueuedItems`, or more expected wait than `maxQueueMs`), or undefined when they would be queued. A server asks
   * before reading a request body, so an overloaded queue costs it no parsing.
   */
  refusal(count: number, cost = count): ModelError | undefined {
    const limit = this.options.maxQueuedItems;
    if (limit !== undefined && this.queuedItems + count > limit) {
      return new ModelError(
        'MODEL_QUEUE_FULL',
        `the prediction queue is full (${this.queuedItems} of ${limit} texts waiting); retry shortly`,
        'runtime',
      );
    }
    const maxQueueMs = this.options.maxQueueMs;
    const expected = this.expectedWaitMs(cost);
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
    const costs = items.map((item) => this.costOf(item));
    const cost = costs.reduce((sum, each) => sum + each, 0);
    const refused = this.refusal(items.length, cost);
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise<O[]>((resolve, reject) => {
      const job: Job<I, O> = {
        items,
        costs,
        results: new Array<O>(items.length),
        next: 0,
        remaining: items.length,
        enqueuedAt: this.now(),
        settled: false,
        resolve,
        reject,
      };
      if (signal !== undefined) {
        const onAbort = () => this.fail(job, abortError());
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.queuedItems += items.length;
      this.queuedCost += cost;
      this.schedule();
      this.armExpiry();
    });
  }

  /** Stops accepting items, runs everything already queued, and resolves when the last batch is done. */
  close(): Promise<void> {
    this.closing = true;
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
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
    // maxWaitMs counts from when the model was free to take the item: one that arrived during a batch has not waited
    // for company yet. (Counted from arrival, it ran alone at once, its batch-mates came back during that lone batch,
    // and a steady 8 clients settled into batches of 7 and 1: a third of the model's time on the batch of 1.)
    const waited = this.now() - Math.max(oldest.enqueuedAt, this.freeSince);
    // A batch is due when full, or when the items expected back have come (see expectedItems): waiting longer, up to
    // maxWaitMs, would only leave the model idle.
    const due =
      this.queuedItems >= this.options.maxBatchSize ||
      (this.expectedItems > 0 && this.queuedItems >= this.expectedItems);
    if (this.closing || due || waited >= this.options.maxWaitMs) {
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

  /**
   * Answers `MODEL_QUEUE_TIMEOUT` now to every job none of whose items reached a batch yet when its deadline (arrival +
   * `maxQueueMs`) has come, and, when `nextBatch` is set, when the batch about to start could not finish before it at
   * the slower of the window's best and the last batch's time per unit: `maxQueueMs` bounds the wait for an answer,
   * the batch's own run included. (A job
   * already partly run is being served: it is not dropped halfway.)
   */
  private dropExpired(nextBatch = false): void {
    const maxQueueMs = this.options.maxQueueMs;
    if (maxQueueMs === undefined || this.closing) return;
    const now = this.now();
    const timeout = (job: Job<I, O>, why: string) =>
      this.fail(
        job,
        new ModelError(
          'MODEL_QUEUE_TIMEOUT',
          `the texts ${why} within the ${maxQueueMs} ms allowed; retry shortly`,
          'runtime',
        ),
      );
    for (const job of this.queue.filter(
      (candidate) => candidate.next === 0 && now - candidate.enqueuedAt >= maxQueueMs,
    ))
      timeout(job, `waited ${now - job.enqueuedAt} ms and were not answered`);
    const best = this.msPerCost();
    if (!nextBatch || best === undefined) return;
    const msPerCost = Math.max(best, this.lastMsPerCost ?? best);
    // Dropping a job lets later ones into the batch (and changes its length): check again until none is dropped.
    for (;;) {
      const { jobs, cost } = this.headBatch();
      // A batch longer than the bound itself (a big request admitted on an empty queue) is run, not dropped.
      if (cost * msPerCost >= maxQueueMs) return;
      const finish = now + cost * msPerCost;
      const late = jobs.filter((job) => job.next === 0 && finish - job.enqueuedAt > maxQueueMs);
      if (late.length === 0) return;
      for (const job of late) timeout(job, `waited ${now - job.enqueuedAt} ms and could not be answered`);
    }
  }

  /** Arms the expiry timer for the deadline of the oldest job not yet started (jobs are queued in arrival order). */
  private armExpiry(): void {
    const maxQueueMs = this.options.maxQueueMs;
    const oldest = this.queue.find((job) => job.next === 0);
    if (maxQueueMs === undefined || this.closing || this.expiryTimer !== undefined || oldest === undefined) return;
    const deadline = oldest.enqueuedAt + maxQueueMs;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.dropExpired();
        this.armExpiry();
      },
      Math.max(0, deadline - this.now()),
    );
  }

  /** Records a finished batch's time per unit of work in the slice of the window it finished in. */
  private addSample(at: number, msPerCost: number): void {
    const last = this.samples.at(-1);
    if (last !== undefined && at >= last.at && at < last.at + this.estimateWindowMs / WINDOW_SLICES)
      last.msPerCost = Math.min(last.msPerCost, msPerCost);
    else this.samples.push({ at, msPerCost });
  }

  /** Takes the next batch's items (see {@link plan}), after dropping jobs that would miss their deadline. */
  private take(): Segment<I, O>[] {
    this.dropExpired(true);
    const segments: Segment<I, O>[] = [];
    let size = 0;
    let cost = 0;
    for (const { job, count } of this.plan()) {
      segments.push({ job, start: job.next, count });
      for (let i = job.next; i < job.next + count; i += 1) cost += job.costs[i]!;
      job.next += count;
      size += count;
    }
    for (let index = this.queue.length - 1; index >= 0; index -= 1) {
      if (this.queue[index]!.next === this.queue[index]!.items.length) this.queue.splice(index, 1);
    }
    this.queuedItems -= size;
    this.queuedCost -= cost;
    this.runningCost = cost;
    this.runningSince = this.now();
    if (this.expiryTimer !== undefined) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.armExpiry();
    return segments;
  }

  /**
   * How many items of each waiting job the next batch takes: jobs in arrival order, at most a quarter of a batch each
   * per pass, passes repeated until the batch is full. A request of one text then rides in the next batch instead of
   * waiting behind whole batches of a large request queued before it (two clients of 32 long texts no longer starve
   * eight clients of one), while a large request still gets most of each batch when little else waits.
   */
  private plan(): { job: Job<I, O>; count: number }[] {
    const capacity = this.options.maxBatchSize;
    const quantum = Math.max(1, Math.ceil(capacity / 4));
    const counts = new Map<Job<I, O>, number>(); // insertion order: arrival order of the jobs first served
    let size = 0;
    for (let progressed = true; progressed && size < capacity;) {
      progressed = false;
      for (const job of this.queue) {
        if (size >= capacity) break;
        const taken = counts.get(job) ?? 0;
        const count = Math.min(quantum, job.items.length - job.next - taken, capacity - size);
        if (count <= 0) continue;
        counts.set(job, taken + count);
        size += count;
        progressed = true;
      }
    }
    return [...counts].map(([job, count]) => ({ job, count }));
  }

  /** The jobs with items in the next batch (see {@link plan}), and its work. */
  private headBatch(): { jobs: Job<I, O>[]; cost: number } {
    const jobs: Job<I, O>[] = [];
    let cost = 0;
    for (const { job, count } of this.plan()) {
      jobs.push(job);
      for (let i = job.next; i < job.next + count; i += 1) cost += job.costs[i]!;
    }
    return { jobs, cost };
  }

  private async runBatch(): Promise<void> {
    const segments = this.take();
    if (segments.length === 0) return;
    const items = segments.flatMap(({ job, start, count }) => job.items.slice(start, start + count));
    const cost = this.runningCost;
    const started = this.now();
    let outputs: O[];
    try {
      outputs = await this.options.run(items);
      if (outputs.length !== items.length) {
        throw new Error(`batch run returned ${outputs.length} results for ${items.length} items`);
      }
    } catch (error) {
      this.batchEnded(items.length);
      this.options.onBatch?.({ size: items.length, requests: segments.length, ms: this.now() - started, error });
      for (const { job } of segments) this.fail(job, error);
      return;
    }
    const finished = this.now();
    const ms = finished - started;
    // A clock that stepped back (or a batch faster than the clock's resolution) says nothing about throughput.
    if (ms > 0 && cost > 0) {
      this.addSample(finished, ms / cost);
      this.lastMsPerCost = ms / cost;
    }
    this.batchEnded(items.length);
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

  /** Notes that a batch of `size` items ended now (see expectedItems, freeSince). */
  private batchEnded(size: number): void {
    this.freeSince = this.now();
    this.expectedItems = Math.min(this.options.maxBatchSize, this.queuedItems + size);
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
      for (let i = job.next; i < job.items.length; i += 1) this.queuedCost -= job.costs[i]!;
      if (index === 0 && this.expiryTimer !== undefined) {
        clearTimeout(this.expiryTimer);
        this.expiryTimer = undefined;
        this.armExpiry();
      }
    }
    job.reject(error);
  }
}

function abortError(): ModelError {
  return new ModelError('MODEL_ABORTED', 'the prediction was cancelled by its caller', 'runtime');
}
