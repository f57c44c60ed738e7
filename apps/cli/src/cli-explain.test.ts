// `senti predict --explain`: the words behind each prediction as plain marks, colours, JSON numbers and a CSV column,
// the same numbers as the library's explain.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewRows } from '@senti/fixtures';
import { loadModel, type Explanation } from '@senti/model';
import { fineTune } from '@senti/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './testing/run-in-process.js';
import { TINY_BERT } from './testing/run-cli.js';

const TEXTS = ['what a wonderful film', 'a terrible, dull movie'];
let dir: string;
let modelDir: string;
let expected: Explanation[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-cli-explain-'));
  modelDir = join(dir, 'model');
  const rows = syntheticReviewRows({ rows: 300, classes: ['negative', 'positive'], seed: 4 });
  const result = await fineTune({
    data: rows,
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'int8',
    pooling: 'mean',
    epochs: 4,
    learningRate: 3e-3,
    cache: false,
  });
  await result.model.save(modelDir);
  await result.model.dispose();
  const model = await loadModel(modelDir, { offline: true, device: 'cpu' });
  expected = await model.explain(TEXTS);
  await model.dispose();
}, 180_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('senti predict --explain', { timeout: 120_000 }, () => {
  it('prints the table, a legend and each text with word(+0.31) marks when stdout is not a terminal', async () => {
    const run = await runInProcess(['predict', '--model-dir', modelDir, '--offline', '--explain', ...TEXTS]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Why (leave-one-word-out');
    expect(run.stdout).toContain("word(+0.31): the predicted label's probability falls 0.31 without that word");
    expect(run.stdout).not.toContain('\x1b[');
    const marked = expected[1]!.words
      .filter((word) => Math.abs(word.score) >= 0.005)
      .map((word) => `${word.word}(${word.score >= 0 ? '+' : '-'}${Math.abs(word.score).toFixed(2)})`);
    for (const mark of marked) expect(run.stdout).toContain(mark);
    expect(run.stdout).toContain('explained all 4 words');
  });

  it('colours the words when FORCE_COLOR is set (a terminal), and explains the colours', async () => {
    process.env.FORCE_COLOR = '1';
    try {
      const run = await runInProcess(['predict', '--model-dir', modelDir, '--offline', '--explain', TEXTS[0]!]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/\x1b\[(42|102|41|101);30m/);
      expect(run.stdout).toContain("raises the predicted label's probability");
    } finally {
      delete process.env.FORCE_COLOR;
    }
  });

  it('--json carries the numbers of the library, with offsets into each text', async () => {
    const run = await runInProcess(['predict', '--model-dir', modelDir, '--offline', '--explain', '--json', ...TEXTS]);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as {
      text: string;
      label: string;
      explanation: { label: string; words: Explanation['words']; coverage: unknown; check: unknown };
    }[];
    rows.forEach((row, index) => {
      expect(row.explanation.words).toEqual(expected[index]!.words);
      expect(row.explanation.coverage).toEqual(expected[index]!.coverage);
      expect(row.explanation.check).toEqual(expected[index]!.check);
      expect(row.explanation.label).toBe(row.label);
      for (const word of row.explanation.words) expect(row.text.slice(word.start, word.end)).toBe(word.word);
    });
  });

  it('adds an explanation column to --output files', async () => {
    const file = join(dir, 'out.csv');
    const run = await runInProcess([
      'predict',
      '--model-dir',
      modelDir,
      '--offline',
      '--explain',
      '--output',
      file,
      ...TEXTS,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines[0]).toMatch(/^text,explanation,predicted_label,predicted_score,p_negative,p_positive$/);
    expect(lines[2]).toMatch(/^"a terrible, dull movie","a\([-+]\d\.\d\d\) terrible\([-+]\d\.\d\d\), dull/);
  });
});
