import type { FastifyInstance } from 'fastify';
import type { ModelHost } from '../model-host.js';
import { errorSchema, predictBodySchema, predictResponseSchema, type RequestLimits } from '../schemas.js';

/** `POST /v1/predict`: one prediction per text, in order, micro-batched with concurrent requests. */
export function registerPredictRoute(app: FastifyInstance, host: ModelHost, limits: RequestLimits): void {
  app.post<{ Body: { texts: string[] } }>(
    '/v1/predict',
    {
      schema: {
        body: predictBodySchema(limits),
        response: { 200: predictResponseSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async (request) => {
      const { predictions, ref } = await host.predict(request.body.texts);
      return {
        predictions: predictions.map(({ label, score, probabilities }) => ({ label, score, probabilities })),
        model: ref,
      };
    },
  );
}
