import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewRows, TINY_BERT } from '@senti/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune } from '../fine-tune/fine-tune.js';
import { gridPoints } from './grid.js';
import { sweepCsv } from './sweep-csv.js';
import { sweep, type SweepEvent, type SweepResult } from './sweep.js';

let dir: string;
let result: SweepResult;
const events: SweepEvent[] = [];
const rows = syntheticReviewRows({ rows: 600, classes: ['negative', 'positive'], seed: 13 });
const common = {
  data: rows,
  model: TINY_BERT,
  offline: true,
  device: 'cpu',
  dtype: 'fp32',
  pooling: 'mean',
  epochs: 4,
} as const;
const grid = { learningRate: [3e-3, 3e-5], dropout: [0.1, 0.3] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-sweep-'));
  result = await sweep({ ...common, grid, cacheDir: join(dir, 'cache'), onEvent: (event) => events.push(event) });
});
afterAll(async () => {
  await result?.best.model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('sweep over cached features', () => {
  it('trains every combination of the grid, in grid order', () => {
    expect(result.table.map((row) => row.point)).toEqual([
      { learningRate: 3e-3, dropout: 0.1 },
      { learningRate: 3e-3, dropout: 0.3 },
      { learningRate: 3e-5, dropout: 0.1 },
      { learningRate: 3e-5, dropout: 0.3 },
    ]);
    expect(result.table.map((row) => row.settings.weightDecay)).toEqual([0.01, 0.01, 0.01, 0.01]);
    for (const row of result.table) expect(row.history).toHaveLength(4);
  });

  it('encodes the texts once for the whole grid', () => {
    const encoded = events.filter((event) => event.type === 'encoded');
    expect(encoded).toHaveLength(1);
    expect(encoded[0]).toMatchObject({ hits: 0, misses: rows.length });
    const settingStarts = events
      .map((event, index) => (event.type === 'sweep-setting' ? index : -1))
      .filter((index) => index >= 0);
    expect(settingStarts).toHaveLength(4);
    expect(events.findIndex((event) => event.type === 'encoded')).toBeLessThan(settingStarts[0]!);
  });

  it('announces the winner after the last row and before what finishing it emits (#28 item 24)', () => {
    const types = events.map((event) => event.type);
    const best = types.indexOf('sweep-best');
    expect(best).toBeGreaterThan(types.lastIndexOf('sweep-row'));
    expect(events[best]).toMatchObject({ type: 'sweep-best', index: result.bestIndex });
    const finishing = types.indexOf('evaluated');
    expect(finishing).toBeGreaterThan(best);
  });

  it('picks the lowest validation loss, and the settings differ enough to tell', () => {
    const losses = result.table.map((row) => row.valLoss);
    expect(new Set(losses).size).toBe(4);
    expect(result.bestIndex).toBe(losses.indexOf(Math.min(...losses)));
    expect(result.best.bestValLoss).toBe(losses[result.bestIndex]);
    expect(result.best.settings.learningRate).toBe(result.table[result.bestIndex]!.settings.learningRate);
    expect(result.best.settings.dropout).toBe(result.table[result.bestIndex]!.settings.dropout);
    const row = result.table[result.bestIndex]!;
    expect(row.valAccuracy).toBe(row.history[row.bestEpoch - 1]!.valAccuracy);
  });

  it('gives the same result as a plain fineTune with the best settings, bit for bit, from the warm cache', async () => {
    const { learningRate, dropout } = result.best.settings;
    const plain = await fineTune({ ...common, learningRate, dropout, cacheDir: join(dir, 'cache') });
    try {
      expect(plain.cache).toMatchObject({ hits: rows.length, misses: 0 });
      expect(plain.history.map(({ seconds: _s, ...epoch }) => epoch)).toEqual(
        result.best.history.map(({ seconds: _s, ...epoch }) => epoch),
      );
      expect(plain.bestValLoss).toBe(result.best.bestValLoss);
      expect(Array.from(plain.test.probabilities)).toEqual(Array.from(result.best.test.probabilities));
      expect(plain.reportText).toBe(result.best.reportText);
    } finally {
      await plain.model.dispose();
    }
  });

  it('writes the table as CSV with the best row marked', () => {
    const lines = sweepCsv(result.table, result.bestIndex).trim().split('\n');
    expect(lines[0]).toBe(
      'learning_rate,dropout,weight_decay,batch_size,epochs,val_loss,val_accuracy,best_epoch,epochs_run,seconds,best',
    );
    expect(lines).toHaveLength(5);
    expect(lines.filter((line) => line.endsWith(',1'))).toEqual([lines[result.bestIndex + 1]]);
  });
});

describe('gridPoints', () => {
  it('is the product of the values, an empty grid the base settings', () => {
    expect(gridPoints({})).toEqual([{}]);
    expect(gridPoints({ epochs: [2], batchSize: [16, 64] })).toEqual([
      { batchSize: 16, epochs: 2 },
      { batchSize: 64, epochs: 2 },
    ]);
  });

  it('refuses values that cannot train, naming the setting', () => {
    expect(() => gridPoints({ dropout: [0.1, 1] })).toThrow(/dropout value 1 is not a number in \[0, 1\)/);
    expect(() => gridPoints({ batchSize: [0] })).toThrow(/batchSize value 0 is not a whole number >= 1/);
    expect(() => gridPoints({ learningRate: [] })).toThrow(/learningRate has no values/);
    expect(() => gridPoints({ learningRate: [1e-3, 1e-3] })).toThrow(/repeats a value/);
    expect(() => gridPoints({ momentum: [0.9] } as never)).toThrow(/unknown setting momentum/);
  });

  it('records a diverging point and goes on; a sweep where every point diverges is a TRAIN_DIVERGED error', async () => {
    const cacheDir = join(dir, 'cache');
    const mixed = await sweep({ ...common, epochs: 2, cacheDir, grid: { learningRate: [1e300, 3e-3] } });
    try {
      expect(mixed.table[0]).toMatchObject({ bestEpoch: 0, valLoss: Infinity, epochsRun: 1 });
      expect(mixed.bestIndex).toBe(1);
    } finally {
      await mixed.best.model.dispose();
    }
    await expect(sweep({ ...common, epochs: 2, cacheDir, grid: { learningRate: [1e300] } })).rejects.toMatchObject({
      code: 'TRAIN_DIVERGED',
    });
  });

  it('a sweep refuses unfrozen layers before loading anything (it trains heads on frozen features)', async () => {
    await expect(sweep({ ...common, unfreeze: 1, grid })).rejects.toThrow(
      /^sweep trains heads on frozen features encoded once: unfreeze must be 0, got 1$/,
    );
  });
});
