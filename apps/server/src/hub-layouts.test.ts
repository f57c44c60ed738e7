// The server on models trained over each Hub layout (tiny torch replicas in fixtures/hub): it loads them on its
// model thread and answers each text as the library does, and /v1/model reports the encoder's real hidden size.
import { join } from 'node:path';
import { HUB_REPLICAS } from '@senti/fixtures';
import { loadModel } from '@senti/model';
import { loadModelInThread } from '@senti/model/serving';
import { describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { makeTestArtifact } from './testing/real-model.js';

const TEXTS = ['what a great film', 'dull and far too long', 'ok'];

describe.each(['bert-fill-mask', 'bert-safetensors', 'sentence-transformers-mean', 'distilbert'])(
  'serving a model on %s',
  (replica) => {
    it('answers as the library does, and reports the encoder', async () => {
      const artifact = await makeTestArtifact({ dtype: 'auto', model: join(HUB_REPLICAS, replica) });
      try {
        const model = await loadModel(artifact.dir, { offline: true, device: 'cpu' });
        const expected = await model.predict(TEXTS);
        await model.dispose();
        const server = createServer({
          loadModel: () => loadModelInThread(artifact.dir, { offline: true, device: 'cpu' }),
        });
        await server.ready;
        try {
          const response = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: TEXTS } });
          expect(response.statusCode, response.body).toBe(200);
          const body = response.json() as { predictions: { probabilities: Record<string, number> }[] };
          expect(body.predictions.map((prediction) => prediction.probabilities)).toEqual(
            expected.map((prediction) => prediction.probabilities),
          );
          const info = (await server.app.inject({ method: 'GET', url: '/v1/model' })).json() as {
            encoder: { hiddenSize: number; dtype: string };
          };
          expect(info.encoder).toMatchObject({ hiddenSize: 32, dtype: 'int8' });
        } finally {
          await server.close();
        }
      } finally {
        await artifact.cleanup();
      }
    });
  },
);
