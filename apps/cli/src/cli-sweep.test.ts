import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-sweep-cli-'));
});

describe('senti train --sweep', () => {
  it('trains the grid on features encoded once, prints the table and saves the best run with sweep.csv and a picture', async () => {
    const data = join(dir, 'reviews.csv');
    await writeFile(data, syntheticReviewsCsv({ rows: 600, classes: ['negative', 'positive'], seed: 21 }));
    const out = join(dir, 'run');
    const result = await runCli(
      [
        'train',
        '--data',
        data,
        '--model',
        TINY_BERT,
        '--pooling',
        'mean',
        '--epochs',
        '3',
        '--sweep',
        'lr=3e-3,3e-5',
        '--sweep',
        'dropout=0.1,0.3',
        '--out',
        out,
        '--json',
      ],
      { env: { SENTI_CACHE_DIR: join(dir, 'cache') } },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      testAccuracy: number;
      sweep: { best: number; rows: { valLoss: number; settings: { learningRate: number; dropout: number } }[] };
    };
    expect(summary.sweep.rows.map((row) => [row.settings.learningRate, row.settings.dropout])).toEqual([
      [3e-3, 0.1],
      [3e-3, 0.3],
      [3e-5, 0.1],
      [3e-5, 0.3],
    ]);
    const losses = summary.sweep.rows.map((row) => row.valLoss);
    expect(summary.sweep.best).toBe(losses.indexOf(Math.min(...losses)));
    expect(result.stderr.match(/Training the head/g)).toHaveLength(4);
    expect(result.stderr.lastIndexOf('Encoding')).toBeLessThan(result.stderr.indexOf('Setting 1/4'));
    expect(result.stderr).toMatch(/lr +dropout +weight decay +batch +epochs +val loss +val acc +best epoch +seconds/);
    for (const file of [
      'model/senti.json',
      'metrics.json',
      'report.txt',
      'test-predictions.csv',
      'training-curves.png',
      'sweep.csv',
      'sweep.svg',
      'sweep.png',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const csv = (await readFile(join(out, 'sweep.csv'), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[summary.sweep.best + 1]).toMatch(/,1$/);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as {
      settings: { learningRate: number; dropout: number };
    };
    const best = summary.sweep.rows[summary.sweep.best]!.settings;
    expect(config.settings).toMatchObject({ learningRate: best.learningRate, dropout: best.dropout });
  });

  it('refuses an unknown sweep key with one line naming it', async () => {
    const result = await runCli(['train', '--data', 'x.csv', '--sweep', 'momentum=0.9']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--sweep expects key=v1,v2,\.\.\. with key one of lr, dropout, weight-decay, batch-size, epochs, got "momentum=0.9"/,
    );
  });
});
