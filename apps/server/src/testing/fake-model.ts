import { type Prediction, type SentiManifest } from '@senti/model';
import { infoFromManifest, type PredictorModel } from '@senti/model/serving';

/** A manifest shaped like a real one, for tests that do not need an encoder. */
export const FAKE_MANIFEST: SentiManifest = {
  format: 'senti-model',
  formatVersion: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  encoder: {
    model: 'fake-encoder',
    fileHash: 'abc',
    dtype: 'fp32',
    pooling: 'cls',
    hiddenSize: 4,
    path: '/secret/path',
  },
  maxLength: 16,
  labelNames: ['negative', 'positive'],
  head: { inputSize: 4, hiddenSize: 8, numClasses: 2, dropout: 0.1 },
  weights: { file: 'head.bin', sha256: 'def', tensors: [] },
  metrics: { accuracy: 0.9 },
  versions: { '@senti/model': '0.1.0' },
};

/** Options of {@link fakeModel}. */
export interface FakeModelOptions {
  /** Hold every batch after the warm-up until the test calls `release()` (no test waits on a clock). */
  held?: boolean;
  /** Makes a batch fail (with a message holding a path, which must never reach a client). */
  fail?: (texts: readonly string[]) => boolean;
}

/**
 * A model whose positive probability grows with text length; records every batch it sees (the warm-up is batch 0).
 * With `held`, batches wait for `release()`; `batchStarted(n)` resolves once n batches (warm-up included) began.
 */
export function fakeModel(options: FakeModelOptions = {}) {
  const batches: string[][] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let disposed = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const model: PredictorModel = {
    info: infoFromManifest(FAKE_MANIFEST),
    async predict(texts) {
      batches.push([...texts]);
      for (const waiter of waiters.filter(({ count }) => batches.length >= count)) waiter.resolve();
      if (options.held && batches.length > 1) await released;
      if (options.fail?.(texts)) throw new Error('boom at /secret/file.ts:12');
      return texts.map((text): Prediction => {
        const positive = Math.min(0.99, text.length / 100);
        const negative = 1 - positive;
        const labelIndex = positive > negative ? 1 : 0;
        return {
          label: labelIndex === 1 ? 'positive' : 'negative',
          labelIndex,
          score: Math.max(positive, negative),
          probabilities: { negative, positive },
        };
      });
    },
    async dispose() {
      disposed = true;
    },
  };
  const batchStarted = (count: number) =>
    batches.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return { model, batches, batchStarted, release: () => release(), isDisposed: () => disposed };
}

/** Resolves once `condition()` holds, checking after each turn of the event loop (no clock involved). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
