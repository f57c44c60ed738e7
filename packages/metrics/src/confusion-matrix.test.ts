import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { confusionMatrix, formatConfusionMatrix } from './index.js';

const reference = JSON.parse(
  readFileSync(new URL('../../../fixtures/tiny-bert-reference.json', import.meta.url), 'utf8'),
) as {
  metrics_cases: { y_true: number[]; y_pred: number[]; confusion: number[][] }[];
};

describe('confusionMatrix', () => {
  it.each(reference.metrics_cases.map((c, i) => [i, c] as const))('matches sklearn on reference case %i', (_, c) => {
    expect(confusionMatrix(c.y_true, c.y_pred)).toEqual(c.confusion);
  });

  it('pads to numClasses and rejects labels beyond it', () => {
    expect(confusionMatrix([0, 1], [1, 1], 3)).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      expect.objectContaining({ code: 'METRICS_LABEL_OUT_OF_RANGE' }),
    );
    expect(() => confusionMatrix([0, 1], [0])).toThrow(expect.objectContaining({ code: 'METRICS_LENGTH_MISMATCH' }));
  });
});

describe('formatConfusionMatrix', () => {
  it('draws a table with label names as row and column headers', () => {
    const text = formatConfusionMatrix(
      [
        [1047, 3],
        [12, 9],
      ],
      ['negative', 'positive'],
    );
    expect(text).toBe(
      [
        'true \\ predicted  negative  positive',
        'negative              1047         3',
        'positive                12         9',
        '',
      ].join('\n'),
    );
  });

  it('widens columns for long counts and names', () => {
    const text = formatConfusionMatrix(
      [
        [123456789, 0],
        [0, 1],
      ],
      ['a', 'a very long label name'],
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`true \\ predicted${' '.repeat(16)}a  a very long label name`);
    expect(lines[1]).toBe(`a${' '.repeat(23)}123456789${' '.repeat(23)}0`);
    expect(lines[2]).toBe(`a very long label name${' '.repeat(10)}0${' '.repeat(23)}1`);
  });

  it('rejects a matrix that does not fit the names', () => {
    expect(() => formatConfusionMatrix([[1]], ['a', 'b'])).toThrow(
      expect.objectContaining({ code: 'METRICS_SHAPE_MISMATCH' }),
    );
  });

  it('counts 300k labels (no spreading of the labels into Math.max)', () => {
    const yTrue = Array.from({ length: 300_000 }, (_, i) => i % 3);
    expect(confusionMatrix(yTrue, yTrue).map((row) => row.reduce((sum, count) => sum + count, 0))).toEqual([
      100_000, 100_000, 100_000,
    ]);
  });
});
