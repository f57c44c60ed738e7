// Same text, same answer: a text's probabilities through the server, under concurrent mixed load, equal those of the
// text predicted alone with the library, for the default CPU dtype (auto = per-token int8); an export serves too.
// The server runs the model on its own thread (as senti-server does), the library in the test's thread.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportModel, loadModel } from '@senti/model';
import { loadModelInThread } from '@senti/model/serving';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { makeTestArtifact, TINY_BERT } from './testing/real-model.js';

const TEXTS = [
  'what a great film',
  'dull and far too long',
  'ok',
  'the plot was thin but the actors carried it with warmth and wit',
  'never again',
  'an absolute delight from the first scene to the last, with music that stays with you for days afterwards',
  'meh',
  'I laughed, I cried, I bought the soundtrack',
];

let artifact: Awaited<ReturnType<typeof makeTestArtifact>>;
let alone: Map<string, Record<string, number>>;
let artifactPooling: string;
beforeAll(async () => {
  artifact = await makeTestArtifact({ dtype: 'auto' });
  const model = await loadModel(artifact.dir, { offline: true, device: 'cpu' });
  try {
    expect(model.manifest.encoder.dtype).toBe('int8');
    artifactPooling = model.manifest.encoder.pooling;
    alone = new Map();
    for (const text of TEXTS) alone.set(text, (await model.predict([text]))[0]!.probabilities);
  } finally {
    await model.dispose();
  }
});
afterAll(async () => artifact.cleanup());

function maxDifference(a: Record<string, number>, b: Record<string, number>): number {
  return Math.max(...Object.keys(a).map((label) => Math.abs(a[label]! - b[label]!)));
}

describe('same text, same answer', () => {
  it('the server answers each text as the library does alone, whatever shares its micro-batch', async () => {
    const server = createServer({
      loadModel: () => loadModelInThread(artifact.dir, { offline: true, device: 'cpu' }),
      maxBatchSize: 7,
      maxWaitMs: 3,
    });
    await server.ready;
    const requests = Array.from({ length: 40 }, (_, index) => {
      const texts = TEXTS.filter((_, position) => (position + index) % 3 !== 0).slice(0, 1 + (index % 5));
      return server.app
        .inject({ method: 'POST', url: '/v1/predict', payload: { texts } })
        .then((response) => ({ texts, response }));
    });
    let worst = 0;
    for (const { texts, response } of await Promise.all(requests)) {
      expect(response.statusCode).toBe(200);
      const body = response.json() as { predictions: { probabilities: Record<string, number> }[] };
      texts.forEach(
        (text, index) =>
          (worst = Math.max(worst, maxDifference(body.predictions[index]!.probabilities, alone.get(text)!))),
      );
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
    await server.close();
  });

  it('serves a senti export with the same answers (within 1e-5)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'senti-export-serve-'));
    try {
      await exportModel(artifact.dir, join(out, 'export'), { offline: true, encoderModel: TINY_BERT });
      const server = createServer({ loadModel: () => loadModelInThread(join(out, 'export')) });
      await server.ready;
      const response = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: TEXTS } });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { predictions: { probabilities: Record<string, number> }[] };
      TEXTS.forEach((text, index) =>
        expect(maxDifference(body.predictions[index]!.probabilities, alone.get(text)!)).toBeLessThan(1e-5),
      );
      const info = await server.app.inject({ method: 'GET', url: '/v1/model' });
      // The export's real info (its config.json), not an invented manifest.
      const served = info.json() as Record<string, unknown>;
      expect(served).toMatchObject({
        source: 'export',
        labels: ['negative', 'neutral', 'positive'],
        maxLength: 32,
        encoder: { model: 'tiny-bert', dtype: 'int8', pooling: artifactPooling, hiddenSize: 32 },
      });
      expect(served).not.toHaveProperty('createdAt');
      await server.close();
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
