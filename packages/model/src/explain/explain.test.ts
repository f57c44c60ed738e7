// Explanations of a real (tiny) model: scores are the occlusion differences, and a text's scores are the same alone,
// in a batch, on the model thread behind the predictor's queue, and when its words fill the model's token window.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, type SentiModel } from '../artifact/index.js';
import { selectBackend } from '../backend/index.js';
import { loadEncoder } from '../encoder/index.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { createHead } from '../head/index.js';
import { createPredictor } from '../predictor/predictor.js';
import { withoutWords } from './words.js';

const LABELS = ['negative', 'neutral', 'positive'];
const TEXTS = [
  'a great movie',
  'terrible, boring and far too long',
  'ok',
  'the plot was thin but the actors carried it with warmth',
  '!!!',
];
let root: string;
let modelDir: string;
let cacheDir: string;
let model: SentiModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'senti-explain-'));
  cacheDir = join(root, 'cache');
  modelDir = join(root, 'model');
  await selectBackend({ device: 'cpu' });
  const encoder = await loadEncoder({
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    dtype: 'auto',
    pooling: 'mean',
    cacheDir,
  });
  const head = createHead({ inputSize: 32, numClasses: 3, hiddenSize: 24 }, { seed: 11 });
  head.setWeights((await head.getWeights()).map((weights) => weights.map((value) => value * 6)));
  await saveModel(modelDir, {
    head,
    encoder: { ...encoder.info, path: TINY_BERT },
    maxLength: 12,
    labelNames: LABELS,
    cacheDir,
    metrics: {},
  });
  head.dispose();
  await encoder.dispose();
  model = await loadModel(modelDir, { offline: true, device: 'cpu', cacheDir });
});
afterAll(async () => {
  await model?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('SentiModel.explain', () => {
  it('scores each word by p(text) − p(text without it), per class, calibrated like predict', async () => {
    const [explanation] = await model.explain([TEXTS[1]!]);
    const [whole] = await model.predict([TEXTS[1]!]);
    expect(explanation!.probabilities).toEqual(whole!.probabilities);
    expect(explanation!.label).toBe(whole!.label);
    const word = explanation!.words[0]!;
    const [without] = await model.predict([withoutWords(TEXTS[1]!, [word])]);
    for (const label of LABELS)
      expect(word.scores[label]).toBeCloseTo(whole!.probabilities[label]! - without!.probabilities[label]!, 12);
    expect(word.score).toBe(word.scores[explanation!.label]);
    expect(explanation!.words.map((entry) => TEXTS[1]!.slice(entry.start, entry.end))).toEqual([
      'terrible',
      'boring',
      'and',
      'far',
      'too',
      'long',
    ]);
    expect(explanation!.check.sumOfScores).toBeCloseTo(
      explanation!.words.reduce((sum, entry) => sum + entry.score, 0),
      12,
    );
    expect(Number.isFinite(explanation!.check.dropAllWords)).toBe(true);
  });

  it('gives the same scores alone and in a batch, and a text without words an empty list', async () => {
    const batch = await model.explain(TEXTS);
    const alone = await Promise.all(TEXTS.map(async (text) => (await model.explain([text]))[0]));
    expect(batch).toEqual(alone);
    expect(batch[4]!.words).toEqual([]);
    expect(batch[4]!.coverage.note).toBe('no words to explain');
  });

  it('explains only the words inside the 12-token window of a long text, and says so', async () => {
    const [explanation] = await model.explain([TEXTS[3]!]);
    expect(explanation!.coverage.limitedBy).toBe('tokens');
    expect(explanation!.coverage.explained).toBeLessThan(explanation!.coverage.words);
    expect(explanation!.coverage.note).toMatch(
      /^explained the first \d+ of 11 words: the model reads at most 10 tokens/,
    );
  });

  it('answers the same through the predictor (model thread, queue and micro-batches) and counts the edited texts', async () => {
    const predictor = await createPredictor(modelDir, {
      offline: true,
      device: 'cpu',
      cacheDir,
      maxWaitMs: 0,
      maxBatchSize: 7,
      maxQueuedTexts: 20,
    });
    try {
      const { explanations } = await predictor.explain(TEXTS.slice(0, 3));
      expect(explanations).toEqual(await model.explain(TEXTS.slice(0, 3)));
      // 5 words need 7 texts; a queue of 20 refuses 4 such texts at once (28 texts), before any is queued.
      const long = 'one two three four five';
      await expect(predictor.explain([long, long, long, long])).rejects.toMatchObject({ code: 'MODEL_QUEUE_FULL' });
      expect(predictor.pending).toBe(0);
    } finally {
      await predictor.close();
    }
  });
});
