import type { FastifyInstance } from 'fastify';
import type { Predictor, PredictorState } from '@senti/model/serving';
import { healthSchema } from '../schemas.js';

/** What `/readyz` says for each state other than ready. */
export const NOT_READY_MESSAGES: Record<Exclude<PredictorState, 'ready'>, string> = {
  loading: 'the model is loading',
  failed: 'the model failed to load',
  closing: 'the server is shutting down',
  closed: 'the server is shutting down',
};

/** The state `/readyz` reports: the predictor's, except that leaving (SIGTERM's drain delay) is not ready while requests are still served. */
export function readiness(predictor: Predictor, leaving: () => boolean): PredictorState {
  return leaving() && predictor.state === 'ready' ? 'closing' : predictor.state;
}

/** `GET /healthz` (the process is up) and `GET /readyz` (the model is loaded and warmed up). */
export function registerHealthRoutes(
  app: FastifyInstance,
  predictor: Predictor,
  leaving: () => boolean = () => false,
): void {
  app.get('/healthz', { schema: { response: { 200: healthSchema } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    const state = readiness(predictor, leaving);
    if (state === 'ready') return { status: 'ok', queuedTexts: predictor.pending };
    return reply.status(503).send({ status: state, message: NOT_READY_MESSAGES[state] });
  });
}
