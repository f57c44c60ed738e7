import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { runInProcess } from './testing/run-in-process.js';
import { TINY_BERT } from './testing/run-cli.js';

let dir: string;
let data: string;
const base = (out: string, ...rest: string[]) => [
  'train',
  '--data',
  data,
  '--model',
  TINY_BERT,
  '--offline',
  '--cache-dir',
  join(dir, 'cache'),
  '--pooling',
  'mean',
  '--lr',
  '0.003',
  '--out',
  join(dir, out),
  ...rest,
];
const history = async (run: string) =>
  (await readFile(join(dir, run, 'history.csv'), 'utf8')).replace(/,[\d.e-]+\n/g, '\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-features-'));
  data = join(dir, 'reviews.csv');
  await writeFile(
    data,
    syntheticReviewsCsv({ rows: 600, classes: ['negative', 'positive'], seed: 11, numericLabels: true }),
  );
});

describe('senti train --json, --label-names, gates, --config and --resume --epochs', { timeout: 300_000 }, () => {
  it('prints one JSON document with the gate outcome, names labels everywhere, and keeps the max-length reasoning', async () => {
    const run = await runInProcess(
      base(
        'named',
        '--epochs',
        '2',
        '--label-names',
        '0=negative,1=positive',
        '--max-length',
        '100000',
        '--min-accuracy',
        '0',
        '--json',
      ),
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, any>;
    expect(summary.labels).toEqual(['negative', 'positive']);
    expect(summary.gate).toEqual({ metric: 'accuracy', threshold: 0, value: summary.testAccuracy, passed: true });
    expect(summary.maxLengthChoice).toMatchObject({ mode: 'capped', requested: 100000, used: summary.maxLength });
    expect(summary.maxLength).toBeLessThan(100000);
    expect(run.stderr).toMatch(/padding length \d+ \(100000 was asked, capped at the model's limit of \d+ tokens\)/);
    expect(await readFile(join(dir, 'named', 'report.txt'), 'utf8')).toMatch(/^ +precision.*\n\n +negative +/);
    const manifest = JSON.parse(await readFile(join(dir, 'named', 'model', 'senti.json'), 'utf8')) as {
      labelNames: string[];
    };
    expect(manifest.labelNames).toEqual(['negative', 'positive']);

    // evaluate reads the data's 0/1 labels and reports under the names; a gate of 1 fails unless the model is perfect.
    const evaluated = await runInProcess([
      'evaluate',
      '--model-dir',
      join(dir, 'named'),
      '--offline',
      '--min-accuracy',
      '1',
      '--json',
    ]);
    const document = JSON.parse(evaluated.stdout) as Record<string, any>;
    expect(document.labels).toEqual(['negative', 'positive']);
    expect(document.gate).toEqual({
      metric: 'accuracy',
      threshold: 1,
      value: document.accuracy,
      passed: document.accuracy >= 1,
    });
    if (document.accuracy < 1) {
      expect(evaluated.code).toBe(3);
      expect(document.error.code).toBe('CLI_QUALITY_GATE');
    } else expect(evaluated.code).toBe(0);

    // predict keeps every input column, adds predicted_label/predicted_score/p_<label>, finds the training text column.
    const csv = 'id,sentence,label\n7,a truly excellent film,1\n8,,0\n9,"dull, awful",0\n';
    const piped = await runInProcess(
      ['predict', '--model-dir', join(dir, 'named'), '--offline', '--input', '-', '--output', '-'],
      csv,
    );
    expect(piped.code, piped.stderr).toBe(0);
    const lines = piped.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,sentence,label,predicted_label,predicted_score,p_negative,p_positive');
    expect(lines[1]).toMatch(/^7,a truly excellent film,1,(negative|positive),0\.\d+,0\.\d+,0\.\d+$/);
    expect(lines[2]).toBe('8,,0,,,,');
    expect(lines[3]).toMatch(/^9,"dull, awful",0,(negative|positive),/);
    const json = join(dir, 'predictions.json');
    const written = await runInProcess(
      ['predict', '--model-dir', join(dir, 'named'), '--offline', '--input', '-', '--output', json, '--json'],
      csv,
    );
    expect(written.code, written.stderr).toBe(0);
    expect(JSON.parse(written.stdout)).toEqual({ output: json, rows: 3, labels: ['negative', 'positive'] });
    const rows = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>[];
    expect(Object.keys(rows[0]!)).toEqual([
      'id',
      'sentence',
      'label',
      'predicted_label',
      'predicted_score',
      'probabilities',
    ]);
  });

  it('--resume RUN --epochs N extends a finished run exactly as if it had been trained for N epochs', async () => {
    const whole = await runInProcess(base('whole', '--epochs', '3'));
    expect(whole.code, whole.stderr).toBe(0);
    const short = await runInProcess(base('short', '--epochs', '2'));
    expect(short.code, short.stderr).toBe(0);
    const extended = await runInProcess(['train', '--resume', join(dir, 'short'), '--epochs', '3', '--offline']);
    expect(extended.code, extended.stderr).toBe(0);
    expect(extended.stdout).toMatch(/3 epochs x \d+ steps \(resuming at epoch 3\)/);
    expect(await history('short')).toBe(await history('whole'));
    expect(await readFile(join(dir, 'short', 'report.txt'), 'utf8')).toBe(
      await readFile(join(dir, 'whole', 'report.txt'), 'utf8'),
    );
    const config = JSON.parse(await readFile(join(dir, 'short', 'config.json'), 'utf8')) as {
      settings: { epochs: number };
    };
    expect(config.settings.epochs).toBe(3);
  });

  it("--config reproduces a run's settings; flags on the command line override them", async () => {
    const again = await runInProcess([
      'train',
      '--config',
      join(dir, 'whole', 'config.json'),
      '--epochs',
      '2',
      '--out',
      join(dir, 'again'),
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect((await history('again')).split('\n').slice(0, 3)).toEqual((await history('whole')).split('\n').slice(0, 3));
    const settings = (
      JSON.parse(await readFile(join(dir, 'again', 'config.json'), 'utf8')) as { settings: Record<string, unknown> }
    ).settings;
    expect(settings).toMatchObject({ epochs: 2, learningRate: 0.003, pooling: 'mean' });
    expect(existsSync(join(dir, 'again', 'model', 'senti.json'))).toBe(true);
  });
});
