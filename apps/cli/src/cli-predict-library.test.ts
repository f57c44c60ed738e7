// `senti predict` is the library's predictFile with flags (issue #29 item 2): the file the CLI writes is the one the
// library call writes for the same input, byte for byte.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { predictFile } from '@senti/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './testing/run-in-process.js';
import { TINY_BERT } from './testing/run-cli.js';

let dir: string;
const model = () => join(dir, 'run');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-predict-library-'));
  const data = join(dir, 'reviews.csv');
  await writeFile(data, syntheticReviewsCsv({ rows: 120, classes: ['negative', 'positive'], seed: 5 }));
  const trained = await runInProcess([
    'train',
    '--data',
    data,
    '--model',
    TINY_BERT,
    '--offline',
    '--epochs',
    '1',
    '--no-cache',
    '--out',
    model(),
  ]);
  expect(trained.code, trained.stderr).toBe(0);
}, 300_000);

describe('senti predict and predictFile', { timeout: 300_000 }, () => {
  it('write the same bytes for the same input: CSV, JSON rows, with explanations, with abstention', async () => {
    const input = join(dir, 'mixed.csv');
    await writeFile(
      input,
      'id,sentence,predicted_label,explanation\n1,what a great film,old,old\n2,"dull, and far too long",old,old\n3,,old,old\n',
    );
    const cases = [
      { name: 'plain.csv', flags: [], options: {} },
      { name: 'plain.json', flags: [], options: {} },
      { name: 'explained.csv', flags: ['--explain'], options: { explain: true } },
      { name: 'abstaining.json', flags: ['--abstain-below', '0.9'], options: { abstainBelow: 0.9 } },
    ];
    for (const { name, flags, options } of cases) {
      const cli = join(dir, `cli-${name}`);
      const run = await runInProcess([
        'predict',
        '--model-dir',
        model(),
        '--offline',
        '--input',
        input,
        '--output',
        cli,
        ...flags,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const library = join(dir, `library-${name}`);
      await predictFile({ modelDir: model(), input, output: library, offline: true, ...options });
      expect((await readFile(library)).equals(await readFile(cli)), name).toBe(true);
    }
  });

  it('an input row with an empty text is a row without an answer on stdout (the table crashed, --json had null)', async () => {
    const input = join(dir, 'with-empty.csv');
    await writeFile(input, 'id,sentence\n1,what a great film\n2,\n3,dull and far too long\n');
    const table = await runInProcess(['predict', '--model-dir', model(), '--offline', '--input', input]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n').filter((line) => / (positive|negative) /.test(line))).toHaveLength(2);
    const json = await runInProcess(['predict', '--model-dir', model(), '--offline', '--input', input, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as unknown[];
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ text: '', label: null, score: null, probabilities: null });
  });
});
