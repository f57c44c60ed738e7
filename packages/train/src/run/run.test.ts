import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewsCsv, TINY_BERT } from '@senti/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FineTuneResult } from '../fine-tune/fine-tune.js';
import { createRun, reproduceRun, resumeRun, RUN_LOCK, type Run } from './index.js';

// #29 item 2: a Run owns its directory (layout, config.json, lock, cleanup), so a library user resumes and reproduces.
let dir: string;
let data: string;
const settings = {
  model: TINY_BERT,
  offline: true,
  device: 'cpu',
  dtype: 'fp32',
  pooling: 'mean',
  learningRate: 3e-3,
} as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-run-'));
  data = join(dir, 'reviews.csv');
  await writeFile(data, syntheticReviewsCsv({ rows: 200, classes: ['negative', 'positive'], seed: 3 }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cacheDir = () => join(dir, 'cache');
const readConfig = async (runDir: string) =>
  JSON.parse(await readFile(join(runDir, 'config.json'), 'utf8')) as Record<string, unknown> & {
    settings: Record<string, unknown>;
  };

describe('Run', () => {
  it('createRun writes config.json before any work and holds the directory until released', async () => {
    const path = join(dir, 'locked');
    const run = await createRun(
      { data, ...settings, epochs: 1, cacheDir: cacheDir() },
      { dir: path, command: ['train', '--data', data] },
    );
    try {
      expect(await readConfig(path)).toMatchObject({
        settings: { data, epochs: 1 },
        command: ['train', '--data', data],
        createdAt: expect.any(String),
      });
      expect(existsSync(join(path, RUN_LOCK))).toBe(true);
      await expect(createRun({ data }, { dir: path, overwrite: true })).rejects.toMatchObject({
        code: 'CLI_OUT_IN_USE',
      });
    } finally {
      await run.release();
    }
    expect(existsSync(join(path, RUN_LOCK))).toBe(false);
  });

  it('a run that fails before its first checkpoint leaves no directory behind', async () => {
    const path = join(dir, 'failed', 'run');
    const run = await createRun({ data: join(dir, 'missing.csv'), ...settings, cacheDir: cacheDir() }, { dir: path });
    await expect(run.fineTune()).rejects.toMatchObject({ code: 'DATA_FILE_NOT_FOUND' });
    await run.release();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, 'failed'))).toBe(false);
  });

  it(
    'resumeRun continues a run for more epochs; reproduceRun trains the same run again from its config.json',
    { timeout: 300_000 },
    async () => {
      const first = join(dir, 'first');
      const run = await createRun({ data, ...settings, epochs: 1, cacheDir: cacheDir() }, { dir: first });
      try {
        await trainAndSave(run);
      } finally {
        await run.release();
      }
      const createdAt = (await readConfig(first)).createdAt;

      await expect(resumeRun(first, { given: { learningRate: 0.5 } })).rejects.toMatchObject({
        code: 'CLI_RESUME_CHANGED',
        message: `--resume ${first}: learningRate 0.5 differs from the run's 0.003; only epochs may change when resuming (start a new run to change it)`,
      });
      const resumed = await resumeRun(first, { given: { epochs: 2 } });
      let history: number[];
      try {
        const result = await trainAndSave(resumed);
        history = result.history.map((epoch) => epoch.valLoss);
        expect(result.history.map((epoch) => epoch.epoch)).toEqual([1, 2]);
      } finally {
        await resumed.release();
      }
      const config = await readConfig(first);
      expect(config.settings.epochs).toBe(2);
      expect(config.createdAt).toBe(createdAt);

      const again = await reproduceRun(join(first, 'config.json'), { dir: join(dir, 'again') });
      try {
        const result = await trainAndSave(again);
        // Same data, seed and settings: the same split and weights, so the same validation losses epoch by epoch.
        expect(result.history.map((epoch) => epoch.valLoss)).toEqual(history);
      } finally {
        await again.release();
      }
      await expect(reproduceRun({ settings: { data: '200 in-memory rows' } })).rejects.toMatchObject({
        code: 'CLI_CONFIG_INVALID',
        message: /trained on 200 in-memory rows; pass the rows as given\.data/,
      });
      await expect(reproduceRun({ nothing: 1 } as never)).rejects.toMatchObject({
        code: 'CLI_CONFIG_INVALID',
        message: 'the config has no "settings" object; expected the config.json of a senti run',
      });
    },
  );
});

/** Trains in the run and saves it there; the model's resources are released once saved. */
async function trainAndSave(run: Run): Promise<FineTuneResult> {
  const result = await run.fineTune();
  try {
    await run.save(result, { plots: false });
  } finally {
    await result.model.dispose();
  }
  return result;
}
