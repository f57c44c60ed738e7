import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-cli-unfreeze-'));
  csv = join(dir, 'cue.csv');
  // One cue word decides the label; the rest is filler.
  const fillers = ['the', 'movie', 'was', 'a', 'story', 'with', 'some', 'people', 'long', 'day', 'city', 'music'];
  const rows = Array.from({ length: 240 }, (_, i) => {
    const words = Array.from({ length: 4 + (i % 5) }, (_, j) => fillers[(i * 7 + j * 3) % fillers.length]!);
    words.splice(i % words.length, 0, i % 2 === 0 ? 'terrible' : 'excellent');
    return `${words.join(' ')},${i % 2}`;
  });
  await writeFile(csv, `sentence,label\n${rows.join('\n')}\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('senti train --unfreeze', () => {
  it('refuses k > L with one line and exit 2', async () => {
    const run = await runCli([
      'train',
      '--data',
      csv,
      '--model',
      TINY_BERT,
      '--offline',
      '--device',
      'cpu',
      '--unfreeze',
      '3',
      '--out',
      join(dir, 'refused'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unfreeze must be an integer from 0 to 2 \(the number of layers of .*\), got 3/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('trains the top layers, saves layers.bin, and predict uses them', async () => {
    const out = join(dir, 'run');
    const train = await runCli([
      'train',
      '--data',
      csv,
      '--model',
      TINY_BERT,
      '--offline',
      '--device',
      'cpu',
      '--dtype',
      'fp32',
      '--pooling',
      'cls',
      '--unfreeze',
      '2',
      '--encoder-lr',
      '1e-3',
      '--epochs',
      '4',
      '--batch-size',
      '16',
      '--out',
      out,
      '--cache-dir',
      join(dir, 'cache'),
    ]);
    expect(train.code, train.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'model', 'senti.json'), 'utf8')) as {
      tunedLayers?: { count: number };
    };
    expect(manifest.tunedLayers?.count).toBe(2);
    const predict = await runCli([
      'predict',
      '--model-dir',
      out,
      '--offline',
      '--device',
      'cpu',
      '--json',
      'some people excellent music',
    ]);
    expect(predict.code, predict.stderr).toBe(0);
    expect(predict.stdout).toMatch(/"label": ?"1"/);
  });
});
