import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OLD_MODELS } from '@senti/fixtures';
import { exportModel, loadExportedModel } from '../export/index.js';
import { loadModel } from './load-model.js';

// Models saved by senti 0.1 refer to their encoder by path and record the sha256 of the graph that ran: the export as
// published, whole, and per-token int8 scheme v2. senti now runs other graphs (the [CLS]-only last layer, int8 v3), so
// it rebuilds 0.1's for them and answers as 0.1 did.
const reference = JSON.parse(readFileSync(path.join(OLD_MODELS, 'senti-0.1-predictions.json'), 'utf8')) as {
  texts: string[];
  predictions: Record<string, Record<string, number>[]>;
};
const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-0.1-models-'));
afterAll(async () => rm(cacheDir, { recursive: true, force: true }));

describe('models saved by senti 0.1', () => {
  it.each(Object.keys(reference.predictions))("%s loads and gives 0.1's probabilities", async (name) => {
    const model = await loadModel(path.join(OLD_MODELS, name), { offline: true, device: 'cpu', cacheDir });
    try {
      const predictions = await model.predict(reference.texts);
      predictions.forEach((prediction, row) => {
        for (const [label, expected] of Object.entries(reference.predictions[name]![row]!))
          expect(Math.abs(prediction.probabilities[label]! - expected)).toBeLessThan(1e-6);
      });
    } finally {
      await model.dispose();
    }
    // And exports, with the graph it ran.
    const out = path.join(cacheDir, `${name}-export`);
    await exportModel(path.join(OLD_MODELS, name), out, { offline: true, cacheDir });
    const exported = await loadExportedModel(out);
    try {
      const probabilities = await exported.predictProba(reference.texts);
      reference.predictions[name]!.forEach((row, index) =>
        Object.values(row).forEach((expected, label) =>
          expect(Math.abs(probabilities[index * 2 + label]! - expected)).toBeLessThan(1e-5),
        ),
      );
    } finally {
      await exported.dispose();
    }
  });
});
