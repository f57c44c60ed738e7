import { afterEach, describe, expect, it, vi } from 'vitest';
import { MicroBatcher } from './micro-batcher.js';

/** A batcher whose runs double numbers and record every batch they see. */
function doubling(options: { maxBatchSize?: number; maxWaitMs?: number; delayMs?: number } = {}) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number, number>({
    maxBatchSize: options.maxBatchSize ?? 4,
    maxWaitMs: options.maxWaitMs ?? 5,
    run: async (items) => {
      batches.push(items);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return items.map((item) => item * 2);
    },
  });
  return { batcher, batches };
}

afterEach(() => {
  vi.useRealTimers();
});

/** Yields to the event loop until `condition` holds (no clock involved). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('MicroBatcher', () => {
  it('answers each caller with its own results, in order', async () => {
    vi.useFakeTimers(); // a busy machine must not let maxWaitMs pass between the three calls
    const { batcher, batches } = doubling({ maxBatchSize: 100 });
    const all = Promise.all([batcher.submit([1, 2]), batcher.submit([3]), batcher.submit([4, 5, 6])]);
    await vi.advanceTimersByTimeAsync(5);
    const results = await all;
    expect(results).toEqual([[2, 4], [6], [8, 10, 12]]);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('never runs more than maxBatchSize items, splitting large requests across batches', async () => {
    const { batcher, batches } = doubling({ maxBatchSize: 3 });
    const big = Array.from({ length: 8 }, (_, i) => i);
    const [a, b] = await Promise.all([batcher.submit(big), batcher.submit([100, 101])]);
    expect(a).toEqual(big.map((x) => x * 2));
    expect(b).toEqual([200, 202]);
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    // The first batch ran before the small request came; after that both requests share each batch.
    expect(batches).toEqual([[0, 1, 2], [3, 4, 100], [5, 6, 101], [7]]);
  });

  it('runs a full batch at once without waiting', async () => {
    vi.useFakeTimers();
    const { batcher, batches } = doubling({ maxBatchSize: 2, maxWaitMs: 10_000 });
    const pending = batcher.submit([1, 2]);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1, 2]]);
    await expect(pending).resolves.toEqual([2, 4]);
  });

  it('runs a partial batch once the oldest item has waited maxWaitMs', async () => {
    vi.useFakeTimers();
    const { batcher, batches } = doubling({ maxBatchSize: 10, maxWaitMs: 50 });
    const first = batcher.submit([1]);
    await vi.advanceTimersByTimeAsync(30);
    const second = batcher.submit([2]);
    await vi.advanceTimersByTimeAsync(19);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2]]);
    await expect(Promise.all([first, second])).resolves.toEqual([[2], [4]]);
  });

  it('runs one batch at a time and batches what arrived meanwhile', async () => {
    // Each run waits for the test to open its gate, so "meanwhile" does not depend on the machine's speed.
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 10,
      maxWaitMs: 0,
      run: async (items) => {
        batches.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const first = batcher.submit([1]);
    expect(batches).toEqual([[1]]);
    const rest = [batcher.submit([2]), batcher.submit([3])];
    await until(() => gates.length === 1);
    gates[0]!();
    await until(() => gates.length === 2);
    gates[1]!();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('rejects only the callers whose items were in the failing batch', async () => {
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      run: async (items) => {
        if (items.includes(13)) throw new Error('unlucky');
        return items;
      },
    });
    const results = await Promise.allSettled([
      batcher.submit([1, 2]),
      batcher.submit([13]),
      batcher.submit([3]),
      batcher.submit([4, 5]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('unlucky'));
    expect((results[3] as PromiseFulfilledResult<number[]>).value).toEqual([4, 5]);
  });

  it('drops the rest of a request once one of its batches failed', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      run: async (items) => {
        batches.push(items);
        if (items.includes(1)) throw new Error('bad');
        return items;
      },
    });
    const failing = batcher.submit([1, 2, 3, 4, 5]);
    const other = batcher.submit([6]);
    await expect(failing).rejects.toThrow('bad');
    await expect(other).resolves.toEqual([6]);
    expect(batches).toEqual([[1, 2], [6]]);
    expect(batcher.pending).toBe(0);
  });

  it('rejects when a run returns the wrong number of results', async () => {
    const batcher = new MicroBatcher<number, number>({ maxBatchSize: 4, maxWaitMs: 0, run: async () => [1] });
    await expect(batcher.submit([1, 2])).rejects.toThrow('1 results for 2 items');
  });

  it('close() runs what is queued without waiting, then refuses new work and runs nothing more', async () => {
    vi.useFakeTimers();
    const { batcher, batches } = doubling({ maxBatchSize: 10, maxWaitMs: 60_000 });
    const queued = batcher.submit([1, 2]);
    const closed = batcher.close();
    await vi.advanceTimersByTimeAsync(0);
    await closed;
    await expect(queued).resolves.toEqual([2, 4]);
    await expect(batcher.submit([3])).rejects.toMatchObject({ code: 'MODEL_CLOSING' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(batches).toEqual([[1, 2]]);
  });

  it('close() waits for the batch in flight', async () => {
    const { batcher } = doubling({ maxBatchSize: 1, maxWaitMs: 0, delayMs: 20 });
    const results: number[][] = [];
    const inFlight = batcher.submit([1]).then((value) => results.push(value));
    const queued = batcher.submit([2]).then((value) => results.push(value));
    await batcher.close();
    await Promise.all([inFlight, queued]);
    expect(results).toEqual([[2], [4]]);
  });

  it('refuses texts beyond the queue bound with MODEL_QUEUE_FULL, and accepts again once it drains', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueuedItems: 3,
      run: async (items) => {
        batches.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const gates: (() => void)[] = [];
    const openGates = async () => {
      while (batcher.pending > 0 || gates.length > 0) {
        gates.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const first = batcher.submit([1, 2]); // taken into a batch at once, held at its gate
    expect(batches).toEqual([[1, 2]]);
    const queued = batcher.submit([3, 4, 5]); // fills the queue
    await expect(batcher.submit([6])).rejects.toMatchObject({ code: 'MODEL_QUEUE_FULL' });
    await openGates();
    await expect(Promise.all([first, queued])).resolves.toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    const sixth = batcher.submit([6]);
    await openGates();
    await expect(sixth).resolves.toEqual([6]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drops the queued work of a cancelled caller: its texts are never run', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      run: async (items) => {
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return items;
      },
    });
    const first = batcher.submit([1, 2]);
    const controller = new AbortController();
    const cancelled = batcher.submit([3, 4, 5, 6], controller.signal);
    const last = batcher.submit([7]);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'MODEL_ABORTED' });
    await expect(Promise.all([first, last])).resolves.toEqual([[1, 2], [7]]);
    expect(batches).toEqual([[1, 2], [7]]);
    expect(batcher.pending).toBe(0);
    await expect(batcher.submit([8], controller.signal)).rejects.toMatchObject({ code: 'MODEL_ABORTED' });
  });

  it('validates its options', () => {
    const run = async (items: number[]) => items;
    expect(() => new MicroBatcher({ run, maxBatchSize: 0, maxWaitMs: 1 })).toThrow('maxBatchSize');
    expect(() => new MicroBatcher({ run, maxBatchSize: 1, maxWaitMs: -1 })).toThrow('maxWaitMs');
  });

  it('bounds the queue by time: refuses at once what would wait over maxQueueMs at the measured throughput', async () => {
    // A clock the test moves: each batch "takes" 10 ms per item, whatever the machine's load.
    let clock = 0;
    const gates: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueueMs: 50,
      now: () => clock,
      run: async (items) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        clock += 10 * items.length;
        return items;
      },
    });
    // No batch ran yet: no estimate, nothing refused by time.
    const first = batcher.submit([1, 2]);
    await until(() => gates.length === 1);
    gates[0]!();
    await expect(first).resolves.toEqual([1, 2]);
    expect(batcher.expectedWaitMs()).toBe(0);
    expect(batcher.expectedWaitMs(3)).toBe(30); // 10 ms per item measured
    const running = batcher.submit([3, 4]); // taken into a batch at once, held
    await until(() => gates.length === 2);
    const queued = batcher.submit([5, 6, 7, 8]); // 40 ms of work waiting
    expect(batcher.expectedWaitMs()).toBe(60); // the running batch's 20 ms count too (#28 item 27)
    await expect(batcher.submit([9, 10])).rejects.toMatchObject({
      code: 'MODEL_QUEUE_FULL',
      message: expect.stringMatching(/80 ms of work, over the 50 ms allowed/),
    });
    gates[1]!();
    await expect(running).resolves.toEqual([3, 4]);
    await until(() => gates.length === 3);
    gates[2]!();
    await until(() => gates.length === 4);
    gates[3]!();
    await expect(queued).resolves.toEqual([5, 6, 7, 8]);
  });

  it('drops texts that waited longer than maxQueueMs before reaching a batch (MODEL_QUEUE_TIMEOUT)', async () => {
    let clock = 0;
    const gates: (() => void)[] = [];
    const seen: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 1,
      maxWaitMs: 0,
      maxQueueMs: 100,
      now: () => clock,
      run: async (items) => {
        seen.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const slow = batcher.submit([1]);
    await until(() => gates.length === 1);
    const late = batcher.submit([2]);
    clock += 500; // the running batch took far longer than the late text may wait
    gates[0]!();
    await expect(slow).resolves.toEqual([1]);
    await expect(late).rejects.toMatchObject({ code: 'MODEL_QUEUE_TIMEOUT' });
    expect(seen).toEqual([[1]]); // the model never saw the expired text
    expect(batcher.pending).toBe(0);
  });

  it('a burst of slow batches does not inflate the estimate: the queue stays open to what fits at the measured speed (#28 item 26)', async () => {
    // Three batches at 10 ms per item, then a CPU spike (and the storm of refused retries it starts) makes three
    // batches take 200 ms per item of wall time. An average of recent batches followed the spike and refused
    // everything for as long as the storm kept batches slow; the best time of the window does not move.
    let clock = 0;
    let msPerItem = 10;
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 4,
      maxWaitMs: 0,
      maxQueueMs: 100,
      now: () => clock,
      run: async (items) => {
        clock += msPerItem * items.length;
        return items;
      },
    });
    for (let i = 0; i < 3; i += 1) await batcher.submit([1, 2, 3, 4]);
    expect(batcher.expectedWaitMs(1)).toBe(10);
    msPerItem = 200;
    for (let i = 0; i < 3; i += 1) await batcher.submit([1, 2, 3, 4]);
    expect(batcher.expectedWaitMs(1)).toBe(10); // not 200, not an average pulled towards it
    expect(batcher.refusal(8)).toBeUndefined(); // 80 ms of work at the measured speed: admitted
    // A slowdown that outlasts the window (30 s) is real: the estimate takes it in.
    clock += 30_001;
    await batcher.submit([1, 2, 3, 4]);
    expect(batcher.expectedWaitMs(1)).toBe(200);
  });

  it('answers MODEL_QUEUE_TIMEOUT at the deadline while the batch ahead still runs (#28 item 27)', async () => {
    vi.useFakeTimers();
    const gates: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 1,
      maxWaitMs: 0,
      maxQueueMs: 100,
      run: async (items) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const slow = batcher.submit([1]); // runs, held far beyond the deadline of what queues behind it
    const late = batcher.submit([2]);
    const settled = late.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(await Promise.race([settled, Promise.resolve('waiting')])).toBe('waiting');
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.race([settled, Promise.resolve('waiting')])).toBe('MODEL_QUEUE_TIMEOUT'); // on time, batch still running
    expect(batcher.pending).toBe(0);
    gates[0]!();
    await expect(slow).resolves.toEqual([1]);
    expect(gates).toHaveLength(1); // the model never saw the expired text
  });

  it('drops at a batch boundary the texts the coming batch could not finish before their deadline (#28 item 27)', async () => {
    let clock = 0;
    const gates: (() => void)[] = [];
    const seen: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueueMs: 100,
      now: () => clock,
      run: async (items) => {
        seen.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        clock += 20 * items.length; // 20 ms per item: the coming batch of 2 takes 40 ms
        return items;
      },
    });
    const first = batcher.submit([1, 2]);
    await until(() => gates.length === 1);
    gates[0]!();
    await first; // measured: 20 ms per item
    const running = batcher.submit([3, 4]);
    await until(() => gates.length === 2);
    const tight = batcher.submit([5, 6]); // waits 40 ms for the running batch, then needs 40: 80 of 100 ms
    clock += 30; // the running batch ends at 70 ms of waiting (clock += 40 in run): 70 + 40 > 100
    gates[1]!();
    await running;
    await expect(tight).rejects.toMatchObject({
      code: 'MODEL_QUEUE_TIMEOUT',
      message: expect.stringMatching(/could not be answered within the 100 ms allowed/),
    });
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("judges the coming batch at the last batch's speed when the machine slowed down: a timeout on time, not a late answer (#28 item 27)", async () => {
    let clock = 0;
    let msPerItem = 10;
    const gates: (() => void)[] = [];
    const seen: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueueMs: 100,
      now: () => clock,
      run: async (items) => {
        seen.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        clock += msPerItem * items.length;
        return items;
      },
    });
    const fast = batcher.submit([1, 2]); // measured: 10 ms per item, the window's best
    await until(() => gates.length === 1);
    gates[0]!();
    await fast;
    msPerItem = 40; // the machine is busy now: 40 ms per item
    const slow = batcher.submit([3, 4]);
    await until(() => gates.length === 2);
    const tight = batcher.submit([5, 6]); // waits 80 ms for the running batch; at 10 ms per item it fits 100 ms, at 40 not
    let settled = false;
    const outcome = tight.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    void outcome.finally(() => (settled = true));
    gates[1]!();
    await slow;
    await until(() => settled || gates.length === 3);
    gates[2]?.(); // a run of the tight batch (the old estimate let it start): let it finish, late
    expect(await outcome).toBe('MODEL_QUEUE_TIMEOUT');
    expect(seen).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('counts work, not items: costly items fill the time bound sooner (#28 item 28)', async () => {
    let clock = 0;
    const gates: (() => void)[] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 4,
      maxWaitMs: 0,
      maxQueueMs: 100,
      now: () => clock,
      cost: (item) => item,
      run: async (items) => {
        await new Promise<void>((resolve) => gates.push(resolve));
        clock += items.reduce((sum, item) => sum + item, 0); // 1 ms per unit of work
        return items;
      },
    });
    const first = batcher.submit([1, 1, 1, 1]);
    await until(() => gates.length === 1);
    gates[0]!();
    await first;
    const held = batcher.submit([1]); // runs, held
    await until(() => gates.length === 2);
    const long = batcher.submit([40, 40]); // two long texts: 80 units, few items
    expect(batcher.expectedWaitMs()).toBe(81);
    await expect(batcher.submit([30])).rejects.toMatchObject({ code: 'MODEL_QUEUE_FULL' });
    expect(batcher.refusal(1, 10)).toBeUndefined(); // a short text still fits
    gates[1]!();
    await until(() => gates.length === 3);
    gates[2]!();
    await expect(Promise.all([held, long])).resolves.toEqual([[1], [40, 40]]);
  });

  it('runs the next batch as soon as as many items wait as the last batch held, without waiting maxWaitMs (#31 item 3)', async () => {
    vi.useFakeTimers();
    const { batcher, batches } = doubling({ maxBatchSize: 32, maxWaitMs: 5 });
    const firstRound = [batcher.submit([1]), batcher.submit([2]), batcher.submit([3])];
    await vi.advanceTimersByTimeAsync(5); // nothing to go by yet: the first batch waits maxWaitMs
    await Promise.all(firstRound);
    expect(batches).toEqual([[1, 2, 3]]);
    // The three callers come back: their batch starts with the third, the clock standing still.
    const second = [batcher.submit([4]), batcher.submit([5])];
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1); // two of three: still waiting for the third
    second.push(batcher.submit([6]));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await Promise.all(second);
    // A caller that does not come back costs at most maxWaitMs.
    const third = [batcher.submit([7]), batcher.submit([8])];
    await vi.advanceTimersByTimeAsync(4);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches.at(-1)).toEqual([7, 8]);
    await Promise.all(third);
  });

  it('an item that arrives during a batch waits for the callers it answers: 8 clients stay batches of 8, not 7 and 1 (#31 item 3)', async () => {
    vi.useFakeTimers();
    const gates: (() => void)[] = [];
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 32,
      maxWaitMs: 5,
      run: async (items) => {
        batches.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const seven = [1, 2, 3, 4, 5, 6, 7];
    const first = seven.map((item) => batcher.submit([item]));
    await vi.advanceTimersByTimeAsync(5);
    expect(batches).toEqual([seven]);
    const eighth = batcher.submit([8]); // arrives while the batch of 7 runs
    await vi.advanceTimersByTimeAsync(40);
    gates[0]!();
    await Promise.all(first);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1); // not a batch of 1 now: the 7 callers just answered are coming back
    const back = seven.map((item) => batcher.submit([10 + item]));
    await vi.advanceTimersByTimeAsync(0);
    expect(batches[1]).toEqual([8, 11, 12, 13, 14, 15, 16, 17]);
    gates[1]!();
    await expect(Promise.all([eighth, ...back])).resolves.toHaveLength(8);
    // Callers that do not come back cost the waiting item at most maxWaitMs after the model is free.
    const lone = batcher.submit([99]);
    await vi.advanceTimersByTimeAsync(4);
    expect(batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches[2]).toEqual([99]);
    gates[2]!();
    await lone;
  });

  it('a one-text request rides in the next batch, not behind whole batches of large requests queued before it (#28 item 28)', async () => {
    const gates: (() => void)[] = [];
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, number>({
      maxBatchSize: 8,
      maxWaitMs: 0,
      run: async (items) => {
        batches.push(items);
        await new Promise<void>((resolve) => gates.push(resolve));
        return items;
      },
    });
    const first = batcher.submit([0]); // runs, held
    const longA = batcher.submit(Array.from({ length: 8 }, (_, i) => 100 + i));
    const longB = batcher.submit(Array.from({ length: 8 }, (_, i) => 200 + i));
    const short = batcher.submit([1]);
    const order: string[] = [];
    void short.then(() => order.push('short'));
    void longA.then(() => order.push('longA'));
    void longB.then(() => order.push('longB'));
    while (batcher.pending > 0 || gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all([first, longA, longB, short]);
    // Each job gets at most a quarter batch (2) per pass: the short request is in the second batch.
    expect(batches[1]).toEqual([100, 101, 102, 103, 200, 201, 202, 1]);
    expect(order[0]).toBe('short');
    expect(batches.flat().sort((a, b) => a - b)).toEqual([
      0,
      1,
      ...Array.from({ length: 8 }, (_, i) => 100 + i),
      ...Array.from({ length: 8 }, (_, i) => 200 + i),
    ]);
  });
});
