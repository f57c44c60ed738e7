import type { FastifyInstance } from 'fastify';
import type { Predictor } from '@senti/model';
import { healthSchema } from '../schemas.js';

/** `GET /healthz` (the process is up) and `GET /readyz` (the model is loaded and warmed up). */
export function registerHealthRoutes(app: FastifyInstance, predictor: Predictor, leaving: () => boolean = () => false): void {
  app.get('/healthz', { schema: { response: { 200: healthSchema } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { response: { 200: healthSchema, 503: healthSchema } } }, async (_request, reply) => {
    // Leaving (SIGTERM's drain delay): not ready, while requests are still served.
    const state = leaving() && predictor.state === 'ready' ? 'closing' : predictor.state;
    if (state === 'ready') return { status: 'ok', queuedTexts: predictor.pending };
    const messages: Record<string, string> = {
      loading: 'the model is loading',
      failed: 'the model failed to load',
      closing: 'the server is shutting down',
      closed: 'the server is shutting down',
    };
    return reply.status(503).send({ status: state, message: messages[state] ?? state });
  });
}
