// Predicting a file is one library call (issue #29 item 2): the rows read, predicted and written as `senti predict`
// writes them, without the CLI.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { syntheticReviewsCsv, TINY_BERT } from '@senti/fixtures';
import { DataError } from '@senti/errors';
import { loadModel, type SentiModel } from '@senti/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune } from '../fine-tune/fine-tune.js';
import { saveRun } from '../fine-tune/save-run.js';
import { predictFile, readPredictionInput, type PredictFileEvent } from '../index.js';

let dir: string;
let runDir: string;
let model: SentiModel;
const device = { offline: true, device: 'cpu' } as const;

/** Bytes that arrive on a stream once, as stdin gives them. */
function streamOf(text: string): NodeJS.ReadableStream {
  const stream = new PassThrough();
  stream.end(Buffer.from(text));
  return stream;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-predict-file-'));
  // Trained on a `review` column: predicting finds that column by itself.
  const csv = join(dir, 'reviews.csv');
  const rows = syntheticReviewsCsv({ rows: 120, classes: ['negative', 'positive'], seed: 3 });
  await writeFile(csv, rows.replace(/^sentence,/, 'review,'));
  const result = await fineTune({
    data: csv,
    textColumn: 'review',
    model: TINY_BERT,
    ...device,
    dtype: 'fp32',
    pooling: 'mean',
    epochs: 1,
    cache: false,
  });
  try {
    runDir = join(dir, 'run');
    await saveRun(result, runDir);
  } finally {
    await result.model.dispose();
  }
  model = await loadModel(runDir, device);
}, 300_000);
afterAll(async () => {
  await model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('predictFile', () => {
  it('keeps every input column, replaces earlier prediction columns, and answers as the model does', async () => {
    const input = join(dir, 'earlier.csv');
    await writeFile(
      input,
      'id,review,predicted_label,note,p_positive\n1,what a great film,old,a,0.1\n2,,old,b,0.2\n3,dull and far too long,old,c,0.3\n',
    );
    const output = join(dir, 'out', 'predicted.csv');
    const events: PredictFileEvent['type'][] = [];
    const result = await predictFile({
      modelDir: runDir,
      input,
      output,
      ...device,
      onEvent: (event) => events.push(event.type),
    });
    const lines = (await readFile(output, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('id,review,note,predicted_label,predicted_score,p_negative,p_positive');
    expect(lines.map((line) => line.split(',').slice(0, 3).join(','))).toEqual([
      'id,review,note',
      '1,what a great film,a',
      '2,,b',
      '3,dull and far too long,c',
    ]);
    expect(lines[2]).toBe('2,,b,,,,'); // an empty text gets no prediction
    const expected = await model.predict(['what a great film', 'dull and far too long']);
    expect(result.predictions[0]).toEqual({ ...expected[0], abstained: false });
    expect(result.predictions[1]).toBeUndefined();
    // Every row has its entry, an empty text's too (a hole is skipped by map: the CLI's table crashed on it).
    expect(Object.keys(result.predictions)).toEqual(['0', '1', '2']);
    expect(result.predictions[2]).toEqual({ ...expected[1], abstained: false });
    expect(lines[1]!.split(',')[3]).toBe(expected[0]!.label);
    expect(result.output).toBe(output);
    expect(events[0]).toBe('input');
    expect(events).toContain('predict');
    expect(events.at(-1)).toBe('written');
  });

  it('writes JSON rows, or writes nothing and returns the rows; a loaded model is used and left open', async () => {
    const input = join(dir, 'two.csv');
    await writeFile(input, 'review,stars\nlovely and warm,5\nboring,1\n');
    const output = join(dir, 'two.json');
    const written = await predictFile({ modelDir: runDir, input, output, ...device });
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual(written.rows);
    expect(written.rows[0]).toMatchObject({ review: 'lovely and warm', stars: '5' });
    expect(Object.keys(written.rows[0]!)).toEqual([
      'review',
      'stars',
      'predicted_label',
      'predicted_score',
      'probabilities',
    ]);
    const returned = await predictFile({ model, input, abstainBelow: 0.999 });
    expect(returned.output).toBeUndefined();
    expect(returned.rows.map((row) => row.abstained)).toEqual([true, true]);
    expect(returned.rows.map((row) => row.predicted_label)).toEqual([null, null]);
    expect(await model.predict(['boring'])).toHaveLength(1); // still open
  });

  it('reads a .txt file, `-` (stdin) and a stream: a CSV when it names a text column, else one text per line', async () => {
    const texts = join(dir, 'texts.txt');
    await writeFile(texts, 'lovely and warm\nboring\n');
    const fromTxt = await readPredictionInput(texts);
    expect(fromTxt).toMatchObject({ columns: ['text'], rows: [['lovely and warm'], ['boring']], textIndex: 0 });
    const plain = await readPredictionInput('-', { stdin: streamOf('lovely and warm\nboring\n') });
    expect(plain).toMatchObject({ columns: ['text'], rows: fromTxt.rows, source: 'stdin' });
    const csv = await readPredictionInput(streamOf('id,review\n1,lovely and warm\n2,boring\n'), {
      modelTextColumn: 'review',
    });
    expect(csv).toMatchObject({ columns: ['id', 'review'], textIndex: 1 });
    const viaStdin = await predictFile({
      modelDir: runDir,
      input: '-',
      stdin: streamOf('lovely and warm\nboring\n'),
      ...device,
    });
    const viaTxt = await predictFile({ model, input: texts });
    const viaTexts = await predictFile({ model, input: ['lovely and warm', 'boring'] });
    expect(viaStdin.predictions).toEqual(viaTxt.predictions);
    expect(viaTexts.predictions).toEqual(viaTxt.predictions);
  });

  it('a signal aborted while predicting stops the job before the file is written', async () => {
    const output = join(dir, 'aborted.csv');
    const controller = new AbortController();
    await expect(
      predictFile({
        model,
        input: ['lovely and warm', 'boring'],
        output,
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'predict') controller.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'TRAIN_ABORTED' });
    expect(existsSync(output)).toBe(false);
  });

  it('a missing text column fails with one line naming the columns, before any model loads or anything is written', async () => {
    const input = join(dir, 'no-text.csv');
    await writeFile(input, 'id,body\n1,fine\n');
    const output = join(dir, 'never.csv');
    const error: unknown = await predictFile({
      modelDir: runDir,
      input,
      output,
      ...device,
      onEvent: () => expect.unreachable('nothing is reported before the input is read'),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({
      code: 'DATA_COLUMN_NOT_FOUND',
      message: `no text column (tried "review", "sentence", "text") in ${input}; columns are: id, body`,
    });
    await expect(predictFile({ modelDir: runDir, input, textColumn: 'text', ...device })).rejects.toMatchObject({
      code: 'DATA_COLUMN_NOT_FOUND',
      message: `\`textColumn\` "text" in ${input}; columns are: id, body`,
    });
    expect(existsSync(output)).toBe(false);
  });
});
