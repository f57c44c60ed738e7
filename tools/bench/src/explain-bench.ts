// Faithfulness and cost of senti's word attributions: ERASER comprehensiveness (DeYoung et al., 2020) of the top-k
// words vs k random words, and texts explained per second.
import { join } from 'node:path';
import { createRandom, shuffleInPlace } from '@senti/base';
import { readTable } from '@senti/data';
import { loadModel, withoutWords, type Explanation, type SentiModel } from '@senti/model';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';

const USAGE = `Usage: pnpm --filter @senti/bench start -- explain --run DIR [--texts 200] [--random-draws 5] [--seed 2021]

Explains the first N test texts of a training run (its test-predictions.csv, its model/) and measures:
  comprehensiveness@k = mean over texts of p(c | text) − p(c | text without its k top-scored words), c the predicted
  class, for k = 1, 3, 5 (texts with at least k explained words), against the same with k random explained words
  (averaged over --random-draws seeded draws); higher = the top words matter more to the model;
  texts explained per second (one explain call over all N texts, wall clock) and the edited texts encoded per second;
  the method's check: mean |sum of word scores − drop with every explained word removed|.
Prints one JSON line.
  --run DIR            training run directory (holds model/ and test-predictions.csv)     (required)
  --texts N            test texts to explain (default 200)
  --random-draws N     random k-word removals per text and k (default 5)
  --seed N             seed of the random removals (default 2021)
  --device NAME        auto, cpu or gpu (default cpu)`;

export const command: BenchCommand = {
  usage: USAGE,
  async run(args) {
    const values = parseOptions(
      args,
      {
        run: { type: 'string' },
        texts: { type: 'string', default: '200' },
        'random-draws': { type: 'string', default: '5' },
        seed: { type: 'string', default: '2021' },
        device: { type: 'string', default: 'cpu' },
      },
      USAGE,
    );
    if (values.run === undefined) {
      process.stderr.write(`explain needs --run DIR\n\n${USAGE}\n`);
      process.exit(2);
    }
    const runDir = userPath(values.run as string);
    const table = await readTable(join(runDir, 'test-predictions.csv'));
    const textColumn = table.columns.indexOf('text');
    const texts = table.rows
      .slice(0, Number(values.texts))
      .map((row) => row[textColumn]!)
      .filter((text) => text.trim() !== '');
    const model = await loadModel(join(runDir, 'model'), { offline: true, device: values.device as 'cpu' });
    try {
      await model.explain(texts.slice(0, 2)); // warm-up
      const started = performance.now();
      const explanations = await model.explain(texts);
      const seconds = (performance.now() - started) / 1000;
      const edited = explanations.reduce((sum, explanation) => sum + explanation.words.length + 2, 0);
      const comprehensiveness = await measure(model, explanations, Number(values['random-draws']), Number(values.seed));
      const gaps = explanations
        .filter((explanation) => explanation.words.length > 0)
        .map((explanation) => Math.abs(explanation.check.sumOfScores - explanation.check.dropAllWords));
      console.log(
        JSON.stringify({
          run: runDir,
          encoder: model.manifest.encoder.model,
          dtype: model.manifest.encoder.dtype,
          pooling: model.manifest.encoder.pooling,
          maxLength: model.manifest.maxLength,
          device: model.encoder.device.used,
          texts: texts.length,
          meanWords: explanations.reduce((sum, explanation) => sum + explanation.words.length, 0) / texts.length,
          textsPerSecond: texts.length / seconds,
          editedTextsPerSecond: edited / seconds,
          seconds,
          comprehensiveness,
          check: {
            meanAbsGap: mean(gaps),
            meanDropAllWords: mean(explanations.map((explanation) => explanation.check.dropAllWords)),
          },
        }),
      );
    } finally {
      await model.dispose();
    }
  },
};

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Comprehensiveness of the top-k words vs k random words, k = 1, 3, 5, on the explained span of each text. */
async function measure(model: SentiModel, explanations: readonly Explanation[], draws: number, seed: number) {
  const random = createRandom(seed);
  const plans = model.planExplanations(explanations.map((explanation) => explanation.text));
  const result: Record<string, { texts: number; top: number; random: number }> = {};
  for (const k of [1, 3, 5]) {
    const edits: string[] = [];
    const owners: { index: number; kind: 'top' | 'random' }[] = [];
    explanations.forEach((explanation, index) => {
      if (explanation.words.length < k) return;
      const span = plans[index]!.span;
      const top = [...explanation.words].sort((a, b) => b.score - a.score).slice(0, k);
      edits.push(withoutWords(span, top));
      owners.push({ index, kind: 'top' });
      for (let draw = 0; draw < draws; draw++) {
        const picked = shuffleInPlace([...explanation.words], random).slice(0, k);
        edits.push(withoutWords(span, picked));
        owners.push({ index, kind: 'random' });
      }
    });
    const predictions = await model.predict(edits);
    const drops = { top: [] as number[], random: [] as number[] };
    predictions.forEach((prediction, position) => {
      const { index, kind } = owners[position]!;
      const explanation = explanations[index]!;
      drops[kind].push(explanation.probabilities[explanation.label]! - prediction.probabilities[explanation.label]!);
    });
    result[`k${k}`] = { texts: drops.top.length, top: mean(drops.top), random: mean(drops.random) };
  }
  return result;
}
