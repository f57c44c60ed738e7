import type { Prediction, PredictorModel, SentiManifest } from '@senti/model';

/** A manifest shaped like a real one, for tests that do not need an encoder. */
export const FAKE_MANIFEST: SentiManifest = {
  format: 'senti-model',
  formatVersion: 1,
  createdAt: '2024-01-01T00:00:00.000Z',
  encoder: { model: 'fake-encoder', fileHash: 'abc', dtype: 'fp32', pooling: 'cls', hiddenSize: 4, path: '/secret/path' },
  maxLength: 16,
  labelNames: ['negative', 'positive'],
  head: { inputSize: 4, hiddenSize: 8, numClasses: 2, dropout: 0.1 },
  weights: { file: 'head.bin', sha256: 'def', tensors: [] },
  metrics: { accuracy: 0.9 },
  versions: { '@senti/model': '0.1.0' },
};

/** A model whose positive probability grows with text length; records every batch it sees. */
export function fakeModel(options: { delayMs?: number; fail?: (texts: readonly string[]) => boolean } = {}) {
  const batches: string[][] = [];
  let disposed = false;
  const model: PredictorModel = {
    manifest: FAKE_MANIFEST,
    async predict(texts) {
      batches.push([...texts]);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fail?.(texts)) throw new Error('boom at /secret/file.ts:12');
      return texts.map((text): Prediction => {
        const positive = Math.min(0.99, text.length / 100);
        const negative = 1 - positive;
        const labelIndex = positive > negative ? 1 : 0;
        return { label: labelIndex === 1 ? 'positive' : 'negative', labelIndex, score: Math.max(positive, negative), probabilities: { negative, positive } };
      });
    },
    async dispose() {
      disposed = true;
    },
  };
  return { model, batches, isDisposed: () => disposed };
}
