import { readdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fineTune, saveRun, saveSweep, sweep } from '@senti/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';

// #29 item 2: the library writes the very run directory `senti train` writes, pictures included; the CLI only calls it.
let dir: string;
let data: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-run-dir-'));
  data = join(dir, 'cues.csv');
  const cues = ['terrible', 'excellent'];
  const fillers = ['the', 'movie', 'was', 'and', 'a', 'story', 'with', 'some', 'people', 'in', 'it'];
  const lines = Array.from(
    { length: 120 },
    (_, index) =>
      `${fillers[index % fillers.length]} ${cues[index % 2]} ${fillers[(index * 3) % fillers.length]} ${index},${index % 2}`,
  );
  await writeFile(data, `sentence,label\n${lines.join('\n')}\n`);
});

/** Every file under `root`, as sorted relative paths. */
async function files(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

const settings = {
  model: TINY_BERT,
  pooling: 'mean',
  dtype: 'fp32',
  epochs: 2,
  learningRate: 3e-3,
  targetAccuracy: 0.9,
  offline: true,
} as const;
const flags = [
  '--model',
  TINY_BERT,
  '--pooling',
  'mean',
  '--dtype',
  'fp32',
  '--epochs',
  '2',
  '--lr',
  '3e-3',
  '--target-accuracy',
  '0.9',
  '--offline',
];
const SLOW = { timeout: 300_000 };

describe('saveRun and saveSweep write what senti train writes', () => {
  it(
    'saveRun(result, dir): the same files as `senti train --out dir`, pictures included',
    async () => {
      const cacheDir = join(dir, 'cache');
      const cli = join(dir, 'cli-run');
      const trained = await runCli(['train', '--data', data, ...flags, '--out', cli], {
        env: { SENTI_CACHE_DIR: cacheDir },
      });
      expect(trained.code, trained.stderr).toBe(0);
      const library = join(dir, 'library-run');
      // The checkpoints are fineTune's (kept for resuming), written where it is told.
      const result = await fineTune({ data, ...settings, cacheDir, checkpointDir: join(library, 'checkpoints') });
      try {
        await saveRun(result, library);
      } finally {
        await result.model.dispose();
      }
      const written = await files(library);
      for (const picture of ['token-lengths', 'training-curves', 'confusion-matrix', 'calibration', 'risk-coverage']) {
        expect(written).toEqual(expect.arrayContaining([`${picture}.svg`, `${picture}.png`]));
      }
      expect(written).toEqual(await files(cli));
    },
    SLOW,
  );

  it(
    'saveSweep(result, dir): the same files as `senti train --sweep ... --out dir`',
    async () => {
      const cacheDir = join(dir, 'cache');
      const cli = join(dir, 'cli-sweep');
      const swept = await runCli(['train', '--data', data, ...flags, '--sweep', 'dropout=0.1,0.3', '--out', cli], {
        env: { SENTI_CACHE_DIR: cacheDir },
      });
      expect(swept.code, swept.stderr).toBe(0);
      const result = await sweep({ data, ...settings, cacheDir, grid: { dropout: [0.1, 0.3] } });
      const library = join(dir, 'library-sweep');
      try {
        await saveSweep(result, library);
      } finally {
        await result.best.model.dispose();
      }
      const written = await files(library);
      expect(written).toEqual(expect.arrayContaining(['sweep.csv', 'sweep.svg', 'sweep.png', 'training-curves.png']));
      expect(written).toEqual(await files(cli));
    },
    SLOW,
  );
});
