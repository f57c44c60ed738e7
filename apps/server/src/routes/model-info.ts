import type { FastifyInstance } from 'fastify';
import type { Predictor } from '@senti/model';
import { errorSchema, modelInfoSchema } from '../schemas.js';

/** `GET /v1/model`: labels, encoder, max length and training metrics of the served model. */
export function registerModelInfoRoute(app: FastifyInstance, predictor: Predictor): void {
  app.get('/v1/model', { schema: { response: { 200: modelInfoSchema, 503: errorSchema } } }, async () => {
    const { manifest, ref } = predictor.describe();
    const { dtype, pooling, hiddenSize, fileHash } = manifest.encoder; // never the local path
    return {
      id: ref.id,
      labels: manifest.labelNames,
      encoder: { model: ref.encoder, dtype, pooling, hiddenSize, fileHash },
      maxLength: manifest.maxLength,
      createdAt: manifest.createdAt,
      metrics: manifest.metrics ?? {},
      training: manifest.training ?? {},
      versions: manifest.versions,
    };
  });
}
