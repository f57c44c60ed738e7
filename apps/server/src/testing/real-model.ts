// A real model artifact for tests: the tiny fixture encoder plus a fresh (untrained) head, saved with saveModel.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHead, loadEncoder, selectBackend, loadModel, saveModel, type SentiModel } from '@senti/model';
import { type PredictorModel } from '@senti/model/serving';

/** The tiny BERT fixture shared by all packages' tests. */
import { TINY_BERT } from '@senti/fixtures';

export { TINY_BERT };

/** Labels of the test artifact (three, so probabilities are a real map). */
export const TEST_LABELS = ['negative', 'neutral', 'positive'];

/** Saves an artifact from the tiny encoder and a seeded fresh head into a new temp dir. */
export async function makeTestArtifact(
  options: { dtype?: 'fp32' | 'auto'; headScale?: number; pooling?: 'mean'; model?: string } = {},
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'senti-server-test-'));
  await selectBackend({ device: 'cpu' }); // createHead needs a tfjs backend
  const model = options.model ?? TINY_BERT;
  const encoder = await loadEncoder({
    model,
    offline: true,
    device: 'cpu',
    dtype: options.dtype ?? 'fp32',
    ...(options.pooling ? { pooling: options.pooling } : {}),
  });
  try {
    const head = createHead({ inputSize: encoder.info.hiddenSize, numClasses: TEST_LABELS.length }, { seed: 7 });
    // A larger scale makes the untrained head decisive, so single words move its probabilities visibly (explain tests).
    const scale = options.headScale;
    if (scale !== undefined)
      head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * scale)));
    await saveModel(dir, {
      head,
      encoder: { ...encoder.info, path: model },
      maxLength: 32,
      labelNames: TEST_LABELS,
      metrics: { accuracy: 0.5, macroF1: 0.4 },
      training: { epochs: 0 },
    });
    head.dispose();
  } finally {
    await encoder.dispose();
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Loads the artifact the way the server does. */
export function loadTestModel(dir: string): Promise<SentiModel> {
  return loadModel(dir, { offline: true, device: 'cpu' });
}

/** Wraps a model to record batch sizes and optionally hold batches until the test lets them go. */
export function instrument(
  model: PredictorModel,
  options: { before?: (texts: readonly string[]) => Promise<void> } = {},
) {
  const batchSizes: number[] = [];
  let disposed = false;
  const wrapped: PredictorModel = {
    info: model.info,
    async predict(texts) {
      batchSizes.push(texts.length);
      await options.before?.(texts);
      return model.predict(texts);
    },
    async dispose() {
      disposed = true;
      await model.dispose();
    },
  };
  return { model: wrapped, batchSizes, isDisposed: () => disposed };
}

/** Largest absolute difference between two lists of predictions' probabilities. */
export function maxProbabilityDifference(
  a: readonly { probabilities: Record<string, number> }[],
  b: readonly { probabilities: Record<string, number> }[],
): number {
  let worst = 0;
  a.forEach((prediction, i) => {
    for (const [label, p] of Object.entries(prediction.probabilities)) {
      worst = Math.max(worst, Math.abs(p - (b[i]?.probabilities[label] ?? Number.NaN)));
    }
  });
  return worst;
}
