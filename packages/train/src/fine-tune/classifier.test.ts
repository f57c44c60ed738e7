import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewsCsv, TINY_BERT } from '@senti/fixtures';
import { exportModel, loadClassifier, type Classifier } from '@senti/model';
import { Predictor } from '@senti/model/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune, type FineTuneResult } from './fine-tune.js';
import { saveRun } from './save-run.js';

// One interface for every classifier: the run just trained, its saved model and its export answer alike, and a
// Predictor serves any of them.
let dir: string;
let result: FineTuneResult;
let modelDir: string;
let exportDir: string;
let disposed = false;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-classifier-'));
  const csv = join(dir, 'reviews.csv');
  await writeFile(csv, syntheticReviewsCsv({ rows: 600, classes: ['negative', 'positive'], seed: 9 }));
  result = await fineTune({
    data: csv,
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'fp32',
    pooling: 'mean',
    learningRate: 3e-3,
    epochs: 4,
    cacheDir: join(dir, 'cache'),
  });
  ({ modelDir } = await saveRun(result, join(dir, 'run')));
  exportDir = join(dir, 'export');
  await exportModel(modelDir, exportDir, { offline: true, cacheDir: join(dir, 'cache') });
});
afterAll(async () => {
  if (!disposed) await result?.model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('Classifier: trained, saved and exported models behind one interface', () => {
  it('a trained model says about itself what its saved model says (labels, encoder, max length, metrics)', async () => {
    const trained: Classifier = result.model;
    const saved = await loadClassifier(modelDir, { offline: true, device: 'cpu' });
    try {
      expect(trained.info.source).toBe('trained');
      expect(saved.info.source).toBe('senti');
      for (const key of ['labels', 'encoder', 'maxLength', 'metrics'] as const)
        expect(trained.info[key]).toEqual(saved.info[key]);
      expect(trained.info.id).toMatch(/^[0-9a-f]{12}$/);
    } finally {
      await saved.dispose();
    }
  });

  it('the trained model, its saved model and its export give the same answers, and a Predictor serves the trained one', async () => {
    const texts = result.test.texts.slice(0, 8);
    const saved = await loadClassifier(modelDir, { offline: true, device: 'cpu' });
    const exported = await loadClassifier(exportDir);
    const predictor = new Predictor({ loadModel: async () => result.model, maxWaitMs: 0 });
    try {
      await predictor.ready;
      const trained = await result.model.predict(texts);
      expect(exported.info.source).toBe('export');
      expect((await saved.predict(texts)).map((p) => p.probabilities)).toEqual(trained.map((p) => p.probabilities));
      const fromExport = await exported.predict(texts);
      fromExport.forEach((prediction, i) => {
        expect(prediction.label).toBe(trained[i]!.label);
        for (const [label, p] of Object.entries(prediction.probabilities))
          expect(Math.abs(p - trained[i]!.probabilities[label]!)).toBeLessThan(1e-5);
      });
      const served = await Promise.all(texts.map((text) => predictor.predict([text])));
      expect(served.map(([p]) => p!.probabilities)).toEqual(trained.map((p) => p.probabilities));
    } finally {
      await saved.dispose();
      await exported.dispose();
      await predictor.close(); // disposes the trained model it served
      disposed = true;
    }
  });
});
