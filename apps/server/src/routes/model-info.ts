import type { FastifyInstance } from 'fastify';
import type { Predictor } from '@senti/model/serving';
import { errorSchema, modelInfoSchema } from '../schemas.js';

/** `GET /v1/model`: labels, encoder, max length and (for senti models) training metrics of the served model. */
export function registerModelInfoRoute(app: FastifyInstance, predictor: Predictor): void {
  app.get('/v1/model', { schema: { response: { 200: modelInfoSchema, 503: errorSchema } } }, async () => {
    const { info } = predictor.describe(); // what the model says about itself: never a local path
    return {
      id: info.id,
      source: info.source,
      labels: info.labels,
      encoder: info.encoder,
      maxLength: info.maxLength,
      ...(info.createdAt === undefined ? {} : { createdAt: info.createdAt }),
      metrics: info.metrics ?? {},
      training: info.training ?? {},
      versions: info.versions ?? {},
      ...(info.calibration === undefined ? {} : { calibration: info.calibration }),
      ...(info.abstention === undefined ? {} : { abstention: info.abstention }),
    };
  });
}
