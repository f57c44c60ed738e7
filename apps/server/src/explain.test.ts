// `explain: true`: word attributions through the server equal the library's, under concurrent mixed load on the model
// thread; an export explains too; requests too large to explain are refused with one clear line.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModel, loadModel, type Explanation } from '@senti/model';
import { loadModelInThread } from '@senti/model/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { makeTestArtifact, TINY_BERT } from './testing/real-model.js';

const TEXTS = [
  'what a great film',
  'dull and far too long',
  'ok',
  'I laughed, I cried, I bought the soundtrack',
  '!!!',
];

let artifact: Awaited<ReturnType<typeof makeTestArtifact>>;
const alone = new Map<string, Explanation>();
beforeAll(async () => {
  artifact = await makeTestArtifact({ dtype: 'auto' });
  const model = await loadModel(artifact.dir, { offline: true, device: 'cpu' });
  try {
    for (const text of TEXTS) alone.set(text, (await model.explain([text]))[0]!);
  } finally {
    await model.dispose();
  }
});
afterAll(async () => artifact.cleanup());

type Reply = {
  predictions: { label: string; explanation?: Pick<Explanation, 'label' | 'words' | 'coverage' | 'check'> }[];
};
const shape = ({ label, words, coverage, check }: Explanation) => ({ label, words, coverage, check });

describe('POST /v1/predict with explain: true', () => {
  it('answers each text with the attributions the library gives it alone, whatever shares its micro-batches', async () => {
    const server = createServer({
      loadModel: () => loadModelInThread(artifact.dir, { offline: true, device: 'cpu' }),
      maxBatchSize: 7,
      maxWaitMs: 3,
    });
    await server.ready;
    try {
      const requests = Array.from({ length: 12 }, (_, index) => {
        const texts = TEXTS.filter((_, position) => (position + index) % 3 !== 0).slice(0, 1 + (index % 4));
        const explain = index % 2 === 0;
        return server.app
          .inject({ method: 'POST', url: '/v1/predict', payload: explain ? { texts, explain } : { texts } })
          .then((response) => ({ texts, explain, response }));
      });
      for (const { texts, explain, response } of await Promise.all(requests)) {
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json() as Reply;
        texts.forEach((text, index) => {
          const prediction = body.predictions[index]!;
          if (!explain) return expect(prediction.explanation).toBeUndefined();
          expect(prediction.explanation).toEqual(shape(alone.get(text)!));
          expect(prediction.explanation!.label).toBe(prediction.label);
        });
      }
    } finally {
      await server.close();
    }
  });

  it('refuses more than 32 texts with explain, naming the limit', async () => {
    const server = createServer({ loadModel: () => loadModel(artifact.dir, { offline: true, device: 'cpu' }) });
    await server.ready;
    try {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/predict',
        payload: { texts: Array.from({ length: 33 }, () => 'a text'), explain: true },
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json()).toMatchObject({
        error: {
          code: 'SERVER_TOO_MANY_TEXTS',
          message: 'explain: true takes at most 32 texts per request (each word is one more text to encode); got 33',
          field: 'texts',
        },
      });
    } finally {
      await server.close();
    }
  });

  it('explains with a served export too (planned with the export tokenizer)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'senti-explain-export-'));
    try {
      await exportModel(artifact.dir, join(out, 'export'), { offline: true, encoderModel: TINY_BERT });
      const server = createServer({
        loadModel: () => loadModelInThread(join(out, 'export'), { offline: true, device: 'cpu' }),
      });
      await server.ready;
      try {
        const response = await server.app.inject({
          method: 'POST',
          url: '/v1/predict',
          payload: { texts: [TEXTS[1]], explain: true },
        });
        expect(response.statusCode, response.body).toBe(200);
        const [prediction] = (response.json() as Reply).predictions;
        const expected = alone.get(TEXTS[1]!)!;
        expect(prediction!.explanation!.words.map((word) => word.word)).toEqual(
          expected.words.map((word) => word.word),
        );
        prediction!.explanation!.words.forEach((word, index) =>
          expect(word.score).toBeCloseTo(expected.words[index]!.score, 4),
        );
      } finally {
        await server.close();
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
