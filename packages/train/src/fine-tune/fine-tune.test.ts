import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewRows, syntheticReviewsCsv, TINY_BERT } from '@senti/fixtures';
import { loadModel } from '@senti/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FineTuneEvent } from './events.js';
import { evaluateModel } from './evaluate-model.js';
import { fineTune, type FineTuneResult } from './fine-tune.js';
import { inspectData } from './inspect-data.js';
import { saveRun } from './save-run.js';

let dir: string;
let csv: string;
let result: FineTuneResult;
const events: FineTuneEvent[] = [];
const common = {
  model: TINY_BERT,
  offline: true,
  device: 'cpu',
  dtype: 'fp32',
  pooling: 'mean',
  learningRate: 3e-3,
  epochs: 10,
} as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-fine-tune-'));
  csv = join(dir, 'reviews.csv');
  await writeFile(csv, syntheticReviewsCsv({ rows: 1500, classes: ['negative', 'positive'], seed: 5 }));
  result = await fineTune({
    data: csv,
    ...common,
    cacheDir: join(dir, 'cache'),
    onEvent: (event) => events.push(event),
  });
});
afterAll(async () => {
  await result?.model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('fineTune, the whole job in one call', () => {
  it('splits 70/15/15, trains, restores the best epoch and reports on the test split', () => {
    expect(result.splits.train.texts.length + result.splits.val.texts.length + result.splits.test.texts.length).toBe(
      result.splits.cleaning[0]!.rowsKept,
    );
    expect(result.splits.test.texts.length).toBe(Math.ceil(result.splits.cleaning[0]!.rowsKept * 0.15));
    expect(result.report.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.reportText).toMatch(/precision {4}recall {2}f1-score {3}support/);
    expect(result.history).toHaveLength(10);
    expect(result.bestEpoch).toBe(
      result.history.reduce((best, epoch) => (epoch.valLoss < best.valLoss ? epoch : best)).epoch,
    );
  });

  it('reports progress as events in stage order, and prints nothing itself', () => {
    const order = [...new Set(events.map((event) => event.type))];
    // Reading and token-length progress come between the stages (large inputs); the stages keep their order.
    expect(order.filter((type) => ['data', 'max-length', 'compute', 'encode'].includes(type))).toEqual([
      'data',
      'max-length',
      'compute',
      'encode',
    ]);
    expect(order.indexOf('data')).toBeLessThan(order.indexOf('epoch'));
    expect(order).toContain('epoch');
    expect(order.at(-1)).toBe('evaluated');
  });

  it('answers predict like the saved and reloaded model does, and evaluateModel rebuilds the same test split', async () => {
    const runDir = join(dir, 'run');
    const { modelDir } = await saveRun(result, runDir);
    const texts = result.test.texts.slice(0, 6);
    const direct = await result.model.predictProba(texts);
    const loaded = await loadModel(modelDir, { offline: true, device: 'cpu' });
    try {
      expect(Array.from(await loaded.predictProba(texts))).toEqual(Array.from(direct));
    } finally {
      await loaded.dispose();
    }
    const evaluation = await evaluateModel({ modelDir: runDir, offline: true, device: 'cpu' });
    expect(evaluation.texts).toBe(result.test.texts.length);
    expect(evaluation.reportText).toBe(result.reportText);
    expect(evaluation.rocAuc).toBeCloseTo(result.rocAuc!, 10);
    const predictions = await readFile(join(runDir, 'test-predictions.csv'), 'utf8');
    expect(predictions.split('\n')[0]).toBe('text,label,predicted_label,predicted_score,p_negative,p_positive');
    expect(predictions.trim().split('\n')).toHaveLength(result.test.texts.length + 1);
  });

  it('refuses to rebuild the test split when the data file changed since training', async () => {
    const changedDir = join(dir, 'changed');
    const changedCsv = join(dir, 'changed.csv');
    await writeFile(changedCsv, await readFile(csv, 'utf8'));
    const small = await fineTune({ data: changedCsv, ...common, epochs: 1, cache: false });
    try {
      await small.model.save(changedDir);
    } finally {
      await small.model.dispose();
    }
    await writeFile(changedCsv, `${await readFile(changedCsv, 'utf8')}one more great row,positive\n`);
    await expect(evaluateModel({ modelDir: changedDir, offline: true, device: 'cpu' })).rejects.toMatchObject({
      code: 'TRAIN_DATA_CHANGED',
    });
  });

  it('takes in-memory rows and the second run finds every feature in the cache', async () => {
    const rows = syntheticReviewRows({ rows: 90, classes: ['bad', 'good', 'meh'], seed: 9 });
    const cacheDir = join(dir, 'rows-cache');
    const first = await fineTune({ data: rows, ...common, epochs: 1, cacheDir });
    await first.model.dispose();
    const second = await fineTune({ data: rows, ...common, epochs: 1, cacheDir });
    try {
      expect(second.cache).toMatchObject({ hits: rows.length, misses: 0 });
      expect(second.splits.labelNames).toEqual(['bad', 'good', 'meh']);
      expect(Array.from(second.test.probabilities)).toEqual(Array.from(first.test.probabilities));
      // A model trained on rows is evaluated on rows; without them the message names the option, not a CLI flag.
      const modelDir = join(dir, 'rows-model');
      await second.model.save(modelDir);
      await expect(evaluateModel({ modelDir, offline: true, device: 'cpu' })).rejects.toMatchObject({
        code: 'TRAIN_NO_SPLIT',
        message: expect.not.stringMatching(/--|senti /),
      });
      const evaluation = await evaluateModel({ modelDir, data: rows, offline: true, device: 'cpu' });
      expect(evaluation.texts).toBe(rows.length);
      expect(evaluation.labelNames).toEqual(['bad', 'good', 'meh']);
      await expect(
        evaluateModel({ modelDir, data: rows.filter((row) => row.label === 'bad'), offline: true, device: 'cpu' }),
      ).resolves.toMatchObject({ texts: 30 });
    } finally {
      await second.model.dispose();
    }
  });

  it('an abort after the first epoch rejects with TRAIN_ABORTED; resuming its checkpoint gives the uninterrupted result', async () => {
    const rows = syntheticReviewRows({ rows: 120, classes: ['bad', 'good'], seed: 4 });
    const base = { data: rows, ...common, epochs: 3, cacheDir: join(dir, 'abort-cache') };
    const straight = await fineTune(base);
    const checkpointDir = join(dir, 'abort-checkpoints');
    const controller = new AbortController();
    const seen: FineTuneEvent[] = [];
    await expect(
      fineTune({
        ...base,
        checkpointDir,
        signal: controller.signal,
        onEvent: (event) => {
          seen.push(event);
          if (event.type === 'epoch') controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'TRAIN_ABORTED', message: 'training was cancelled' });
    expect(seen.filter((event) => event.type === 'epoch')).toHaveLength(1);
    const resumed = await fineTune({ ...base, checkpointDir, resume: true });
    try {
      const withoutSeconds = (result: FineTuneResult) => result.history.map(({ seconds: _seconds, ...rest }) => rest);
      expect(withoutSeconds(resumed)).toEqual(withoutSeconds(straight));
      expect(Array.from(resumed.test.probabilities)).toEqual(Array.from(straight.test.probabilities));
    } finally {
      await resumed.model.dispose();
      await straight.model.dispose();
    }
    const aborted = new AbortController();
    aborted.abort();
    await expect(fineTune({ ...base, signal: aborted.signal })).rejects.toMatchObject({ code: 'TRAIN_ABORTED' });
  });

  it('a diverged run (learning rate 1e300) is a TRAIN_DIVERGED error, not a model', async () => {
    const rows = syntheticReviewRows({ rows: 60, classes: ['bad', 'good'], seed: 6 });
    await expect(
      fineTune({ data: rows, ...common, learningRate: 1e300, epochs: 2, cache: false }),
    ).rejects.toMatchObject({
      code: 'TRAIN_DIVERGED',
      message: expect.stringMatching(
        /^training diverged: the (training|validation) loss is (NaN|Infinity) after epoch 1$/,
      ),
    });
  });

  it('warns through an event when the model predicts one class for every test text, and only then', async () => {
    // The README's first library example (pooler output of the random tiny encoder, default lr, 2 epochs): accuracy
    // 0.50 with both answers 0.5002, which read as a result unless something says otherwise.
    const seen: FineTuneEvent[] = [];
    const flat = await fineTune({
      data: csv,
      model: TINY_BERT,
      offline: true,
      device: 'cpu',
      dtype: 'fp32',
      epochs: 2,
      cacheDir: join(dir, 'cache'),
      onEvent: (event) => seen.push(event),
    });
    await flat.model.dispose();
    expect(new Set(flat.test.predictions).size).toBe(1);
    const warnings = seen.filter((event) => event.type === 'warning');
    expect(warnings).toEqual([
      {
        type: 'warning',
        code: 'one-class-predicted',
        message: `the model predicts "${flat.splits.labelNames[flat.test.predictions[0]!]}" for every one of the ${flat.test.texts.length} test texts: it has not learned to tell the classes apart (try more epochs, a higher learning rate, or mean pooling)`,
      },
    ]);
    // The run of this file learns (accuracy >= 0.9 above) and gets no such warning.
    expect(events.filter((event) => event.type === 'warning')).toEqual([]);
  });

  it('names in-memory data in messages as one noun ("has 1 class")', async () => {
    const rows = syntheticReviewRows({ rows: 20, classes: ['good'], seed: 1 });
    await expect(fineTune({ data: rows, ...common, epochs: 1, cache: false })).rejects.toThrow(
      /^the in-memory data has 1 class/,
    );
  });

  it('inspectData suggests the padding length fineTune chooses', async () => {
    const inspection = await inspectData({ data: csv, model: TINY_BERT, offline: true });
    expect(inspection.counts.reduce((a, b) => a + b, 0)).toBe(inspection.rows);
    expect(inspection.labelNames).toEqual(['negative', 'positive']);
    expect(inspection.lengths.maxLength).toBeGreaterThan(2);
  });
});
