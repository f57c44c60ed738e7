// Faithfulness measured, not asserted: on synthetic reviews whose label is decided by one cue word among neutral
// filler, the word the explanation ranks first for the predicted class must be the cue word.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUE_WORDS, syntheticReviewsCsv, TINY_BERT } from '@senti/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune, type FineTuneResult } from './fine-tune.js';
import { mostConfidentMistakes, saveRun, testRows } from './save-run.js';

const CLASSES = ['negative', 'positive'];
let dir: string;
let result: FineTuneResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-explain-cue-'));
  const csv = join(dir, 'reviews.csv');
  await writeFile(csv, syntheticReviewsCsv({ rows: 3000, classes: CLASSES, seed: 17 }));
  result = await fineTune({
    data: csv,
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'fp32',
    pooling: 'mean',
    learningRate: 3e-3,
    epochs: 20,
    maxLength: 64,
    calibrate: true,
    cache: false,
  });
});
afterAll(async () => {
  await result?.model.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('explain on a cue-word task', () => {
  it('ranks the cue word first for the true class in at least 95% of the test texts', async () => {
    const cues = new Set(Object.values(CUE_WORDS).flat());
    const { texts, labels } = result.test;
    const names = result.splits.labelNames;
    const explanations = await result.model.explain(texts);
    // The word that most raises the true class's probability (for a correct prediction: the predicted class's top word;
    // for a mistake: the word that most pulls against it) must be the cue word.
    const tops = explanations.map((explanation, row) => {
      const label = names[labels[row]!]!;
      return explanation.words.reduce((best, word) => (word.scores[label]! > best.scores[label]! ? word : best));
    });
    const hits = tops.filter((top) => cues.has(top.word)).length;
    const share = hits / texts.length;
    // Reported beside it: the predicted class's top word on the texts predicted right, and texts whose scores all round
    // to zero (the probability saturates at 1: no single word moves it, a limit of occlusion in probability space).
    const right = explanations.filter((explanation, row) => explanation.labelIndex === labels[row]);
    const rightHits = right.filter((explanation) =>
      cues.has(explanation.words.reduce((best, word) => (word.score > best.score ? word : best)).word),
    ).length;
    const saturated = explanations.filter((explanation) =>
      explanation.words.every((word) => Math.abs(word.score) < 1e-3),
    ).length;
    console.log(
      `predicted class, texts predicted right: cue word first in ${rightHits}/${right.length}; saturated texts ${saturated}`,
    );
    console.log(
      `cue word ranked first for the true class in ${hits}/${texts.length} test texts (${(100 * share).toFixed(1)}%), test accuracy ${result.report.accuracy.toFixed(3)}`,
    );
    expect(result.report.accuracy).toBeGreaterThan(0.9);
    expect(share).toBeGreaterThanOrEqual(0.95);
  });

  it('writes explanations.html in the run: the most confident test mistakes highlighted, a legend, nothing fetched', async () => {
    const { runDir } = await saveRun(result, join(dir, 'run'));
    const page = await readFile(join(runDir, 'explanations.html'), 'utf8');
    const mistakes = mostConfidentMistakes(testRows(result));
    expect(page).toContain('How to read the colours');
    expect(page.match(/<li>/g) ?? []).toHaveLength(Math.min(20, mistakes.length));
    expect(page).toContain(`true: ${mistakes[0]!.label}`);
    expect(page).not.toMatch(/\b(src|href)=|<script|@import|url\(/);
  });
});
