import type { FastifyInstance } from 'fastify';
import { abstainBelow, type Predictor } from '@senti/model';
import { errorSchema, predictBodySchema, predictResponseSchema, type RequestLimits } from '../schemas.js';

/** `POST /v1/predict`: one prediction per text, in order, micro-batched with concurrent requests. */
export function registerPredictRoute(app: FastifyInstance, predictor: Predictor, limits: RequestLimits, defaultAbstainBelow?: number): void {
  app.post<{ Body: { texts: string[]; abstainBelow?: number } }>(
    '/v1/predict',
    {
      schema: {
        body: predictBodySchema(limits),
        response: { 200: predictResponseSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
      // An overloaded queue refuses before the body is read and parsed: under a flood of retries, refusing stays cheap
      // and the CPU goes to the encoder. (The same check runs again with the real text count once the body is in.)
      onRequest: async () => {
        if (predictor.state !== 'ready') return;
        const refused = predictor.refusal(1);
        if (refused !== undefined) throw refused;
      },
    },
    async (request) => {
      // A client that hangs up before its texts reach the encoder takes them out of the queue.
      const controller = new AbortController();
      const onClose = () => controller.abort();
      request.socket.once('close', onClose);
      try {
        const { predictions, ref } = await predictor.predictWithRef(request.body.texts, { signal: controller.signal });
        // The request's threshold, else the server's --abstain-below, else the one stored with the model (--target-accuracy).
        const threshold = request.body.abstainBelow ?? defaultAbstainBelow ?? predictor.describe().info.abstention?.threshold;
        if (threshold === undefined) return { predictions: predictions.map(({ label, score, probabilities }) => ({ label, score, probabilities })), model: ref };
        return {
          predictions: abstainBelow(predictions, threshold).map(({ label, score, abstained, probabilities }) => ({ label, score, abstained, probabilities })),
          model: ref,
        };
      } finally {
        request.socket.off('close', onClose);
      }
    },
  );
}
