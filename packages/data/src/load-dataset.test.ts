import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './load-dataset.js';
import { makeTempDir, writeDataFile } from './testing/temp-files.js';

const REVIEWS = new URL('../../../fixtures/data/reviews.csv', import.meta.url).pathname;
const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDataset: cleaning and vocabulary (fixtures/data/reviews.csv)', () => {
  it('falls back to the text column, sorts string labels and summarises the cleaning', async () => {
    const data = await loadDataset(REVIEWS);
    expect(data.textColumn).toBe('text');
    expect(data.labelColumn).toBe('label');
    expect(data.labelNames).toEqual(['negative', 'neutral', 'positive']);
    expect(data.texts).toEqual([
      'I loved it',
      'Terrible service',
      'Not bad at all',
      'Would buy again',
      'Broke after a day',
      'It was fine',
      'Terrible service',
      'Quoted, with comma',
    ]);
    expect(data.labels).toEqual([2, 0, 1, 2, 0, 1, 2, 0]);
    expect(data.summary).toEqual({
      path: REVIEWS,
      rowsRead: 11,
      emptyTextDropped: 1,
      missingLabelDropped: 1,
      duplicatesDropped: 1,
      conflictingDuplicates: 2,
      rowsKept: 8,
    });
  });

  it('keeps duplicates when asked', async () => {
    const data = await loadDataset(REVIEWS, { dropDuplicates: false });
    expect(data.summary.duplicatesDropped).toBe(0);
    expect(data.texts.filter((text) => text === 'I loved it')).toHaveLength(2);
  });

  it('maps labels onto given labelNames, in their order', async () => {
    const data = await loadDataset(REVIEWS, { labelNames: ['positive', 'negative', 'neutral'] });
    expect(data.labelNames).toEqual(['positive', 'negative', 'neutral']);
    expect(data.labels.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('sorts integer labels numerically and keeps "1"/"0" labels as strings of integers', async () => {
    const path = writeDataFile(dir, 'ints.csv', 'sentence,label\na,10\nb,2\nc,0\nd,02\ne,1.0\n');
    const data = await loadDataset(path);
    expect(data.labelNames).toEqual(['0', '1', '2', '10']);
    expect(data.labels).toEqual([3, 2, 0, 2, 1]);
  });

  it('keeps texts that look like numbers or missing values exactly as written', async () => {
    const path = writeDataFile(dir, 'numbers.csv', 'sentence,label\n007,1\n1.50,0\nNaN,0\ntrue,1\nnull,1\n');
    const data = await loadDataset(path);
    expect(data.texts).toEqual(['007', '1.50', 'NaN', 'true', 'null']);
  });

  it('treats NaN / NA / null labels as missing', async () => {
    const path = writeDataFile(dir, 'missing.csv', 'sentence,label\na,NaN\nb,NA\nc,null\nd,0\ne,1\n');
    expect((await loadDataset(path)).summary.missingLabelDropped).toBe(3);
  });

  it('uses named columns', async () => {
    const path = writeDataFile(dir, 'named.csv', 'review,stars\ngood,5\nbad,1\n');
    const data = await loadDataset(path, { textColumn: 'review', labelColumn: 'stars' });
    expect(data.labelNames).toEqual(['1', '5']);
    expect(data.labels).toEqual([1, 0]);
  });
});

describe('loadDataset: errors', () => {
  const expectError = async (promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> => {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught as Error & { code: string },
    );
    expect(error?.code).toBe(code);
    expect(error?.message).not.toContain('\n');
    if (message) expect(error?.message).toMatch(message);
  };

  it('reports a missing file, a directory, an empty file and a header-only file', async () => {
    await expectError(loadDataset(join(dir, 'nope.csv')), 'DATA_FILE_NOT_FOUND', /nope\.csv" not found/);
    mkdirSync(join(dir, 'folder.csv'));
    await expectError(loadDataset(join(dir, 'folder.csv')), 'DATA_FILE_UNREADABLE', /is a directory/);
    await expectError(loadDataset(writeDataFile(dir, 'empty.csv', '')), 'DATA_EMPTY');
    await expectError(loadDataset(writeDataFile(dir, 'blank.csv', '\ufeff\n  \n')), 'DATA_EMPTY');
    await expectError(
      loadDataset(writeDataFile(dir, 'header.csv', 'sentence,label\n')),
      'DATA_NO_ROWS',
      /no data rows/,
    );
    await expectError(
      loadDataset(writeDataFile(dir, 'unusable.csv', 'sentence,label\n ,1\nx,\n')),
      'DATA_NO_ROWS',
      /no usable rows/,
    );
  });

  it('lists the columns that exist when one is missing', async () => {
    const path = writeDataFile(dir, 'columns.csv', 'review,label\ngood,1\nbad,0\n');
    await expectError(
      loadDataset(path),
      'DATA_COLUMN_NOT_FOUND',
      /column "sentence" not found in .*columns\.csv \(also tried "text"\); columns are: review, label$/,
    );
    await expectError(
      loadDataset(path, { textColumn: 'body' }),
      'DATA_COLUMN_NOT_FOUND',
      /column "body" not found in .*; columns are: review, label$/,
    );
    await expectError(
      loadDataset(path, { textColumn: 'review', labelColumn: 'y' }),
      'DATA_COLUMN_NOT_FOUND',
      /column "y"/,
    );
  });

  it('needs two classes and known labels', async () => {
    const one = writeDataFile(dir, 'one-class.csv', 'sentence,label\na,1\nb,1\n');
    await expectError(
      loadDataset(one),
      'DATA_TOO_FEW_CLASSES',
      /1 class \("1"\) in column "label"; expected at least 2/,
    );
    const three = writeDataFile(dir, 'three.csv', 'sentence,label\na,0\nb,1\nc,2\n');
    await expectError(
      loadDataset(three, { labelNames: ['0', '1'] }),
      'DATA_UNKNOWN_LABEL',
      /label "2" in data row 3 .* not one of the known labels: 0, 1/,
    );
  });

  it('reports malformed CSV in one line', async () => {
    const path = writeDataFile(dir, 'ragged.csv', 'sentence,label\na,1\nb,0,extra\nc\n');
    await expectError(loadDataset(path), 'DATA_PARSE_ERROR', /is not valid CSV: Too many fields/);
  });
});
