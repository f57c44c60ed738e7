import { existsSync } from 'node:fs';
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_REPLICAS, syntheticReviewsCsv } from '@senti/fixtures';
import { exportModel, loadExportedModel, loadModel } from '@senti/model';
import { createPredictor } from '@senti/model/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateModel } from './evaluate-model.js';
import { fineTune } from './fine-tune.js';
import { saveRun } from './save-run.js';

// Each layout users download from the Hub trains, saves, reloads, serves and exports with the same answers
// (fixtures/hub: tiny replicas made with torch by tools/reference/make-hub-replicas.py).
let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-hub-layouts-'));
  csv = join(dir, 'reviews.csv');
  await writeFile(csv, syntheticReviewsCsv({ rows: 240, classes: ['negative', 'positive'], seed: 11 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const LAYOUTS = [
  { replica: 'bert-safetensors', weights: 'safetensors', architecture: 'BertForMaskedLM', pooling: 'pooler' },
  { replica: 'bert-fill-mask', weights: 'onnx-fill-mask', architecture: 'BertForMaskedLM', pooling: 'cls' },
  { replica: 'sentence-transformers-mean', weights: 'onnx-encoder', architecture: 'BertModel', pooling: 'mean' },
  { replica: 'distilbert', weights: 'onnx-encoder', architecture: 'DistilBertModel', pooling: 'cls' },
  { replica: 'roberta', weights: 'onnx-encoder', architecture: 'RobertaModel', pooling: 'cls' },
] as const;

describe.each(LAYOUTS)(
  '$replica: fineTune, save, reload, serve, export',
  ({ replica, weights, architecture, pooling }) => {
    it('gives the same probabilities on every route, and senti.json records the layout', async () => {
      const cacheDir = join(dir, 'cache');
      const result = await fineTune({
        data: csv,
        model: join(HUB_REPLICAS, replica),
        offline: true,
        device: 'cpu',
        dtype: 'int8',
        epochs: 2,
        cacheDir,
      });
      const texts = result.test.texts.slice(0, 5);
      const direct = await result.model.predictProba(texts);
      expect(result.model.encoder.info.pooling).toBe(pooling);
      const runDir = join(dir, replica);
      const { modelDir } = await saveRun(result, runDir);
      const labels = result.model.info.labelNames;
      await result.model.dispose();
      const manifest = JSON.parse(await readFile(join(modelDir, 'senti.json'), 'utf8')) as {
        encoder: Record<string, unknown>;
      };
      expect(manifest.encoder).toMatchObject({ weights, architecture, dtype: 'int8', pooling });

      const loaded = await loadModel(modelDir, { offline: true, device: 'cpu', cacheDir });
      expect(Array.from(await loaded.predictProba(texts))).toEqual(Array.from(direct));
      await loaded.dispose();
      const evaluation = await evaluateModel({ modelDir: runDir, offline: true, device: 'cpu' });
      expect(evaluation.report.accuracy).toBe(result.report.accuracy);

      const predictor = await createPredictor(modelDir, { offline: true, device: 'cpu', cacheDir });
      const served = await predictor.predict(texts);
      await predictor.close();
      expect(served.map((prediction) => labels.map((label) => prediction.probabilities[label]))).toEqual(
        chunks(direct, 2),
      );

      const out = join(dir, `${replica}-export`);
      await exportModel(modelDir, out, { offline: true, cacheDir });
      const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { architectures: string[] };
      expect(config.architectures[0]).toMatch(/^(Bert|DistilBert|Roberta)ForSequenceClassification$/);
      // Every tokenizer file the layout ships travels with the export (RoBERTa: byte-level BPE vocab.json + merges.txt).
      for (const name of ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt']) {
        const source = join(HUB_REPLICAS, replica, name);
        if (existsSync(source)) expect(await readFile(join(out, name), 'utf8')).toBe(await readFile(source, 'utf8'));
      }
      const exported = await loadExportedModel(out);
      const probabilities = await exported.predictProba(texts);
      await exported.dispose();
      for (let i = 0; i < direct.length; i++) expect(Math.abs(probabilities[i]! - direct[i]!)).toBeLessThan(1e-5);
    });
  },
);

function chunks(values: Float32Array, width: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < values.length; i += width) rows.push(Array.from(values.subarray(i, i + width)));
  return rows;
}

describe('--unfreeze on each layout', () => {
  it.each(['bert-fill-mask', 'bert-safetensors'])(
    '%s: the top layer trains, and the saved model predicts as trained',
    async (replica) => {
      const cacheDir = join(dir, 'cache-unfreeze');
      const result = await fineTune({
        data: csv,
        model: join(HUB_REPLICAS, replica),
        offline: true,
        device: 'cpu',
        dtype: 'fp32',
        pooling: 'cls',
        unfreeze: 1,
        epochs: 2,
        cacheDir,
      });
      const texts = result.test.texts.slice(0, 4);
      const direct = await result.model.predictProba(texts);
      const { modelDir } = await saveRun(result, join(dir, `${replica}-unfrozen`));
      await result.model.dispose();
      const loaded = await loadModel(modelDir, { offline: true, device: 'cpu', cacheDir });
      const again = await loaded.predictProba(texts);
      await loaded.dispose();
      for (let i = 0; i < direct.length; i++) expect(Math.abs(again[i]! - direct[i]!)).toBeLessThan(1e-5);
    },
  );

  it.each(['distilbert', 'roberta'])('%s is refused in one line naming what is supported', async (replica) => {
    const error = await fineTune({
      data: csv,
      model: join(HUB_REPLICAS, replica),
      offline: true,
      device: 'cpu',
      unfreeze: 1,
      epochs: 1,
      cacheDir: join(dir, 'cache-unfreeze'),
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODEL_UNSUPPORTED_LAYER' });
    expect((error as Error).message).toMatch(
      new RegExp(`unfreezing layers supports BERT encoders .*not model_type "${replica}"`),
    );
    expect((error as Error).message).not.toContain('\n');
  });
});
