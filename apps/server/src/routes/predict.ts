import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { abstainBelow } from '@senti/model';
import { type Predictor } from '@senti/model/serving';
import {
  errorSchema,
  MAX_EXPLAIN_TEXTS,
  predictBodySchema,
  predictResponseSchema,
  type RequestLimits,
} from '../schemas.js';
import { ServerError } from '../server-error.js';

/** `POST /v1/predict`: one prediction per text, in order, micro-batched with concurrent requests. */
export function registerPredictRoute(
  app: FastifyInstance,
  predictor: Predictor,
  limits: RequestLimits,
  defaultAbstainBelow?: number,
): void {
  app.post<{ Body: { texts: string[]; abstainBelow?: number; explain?: boolean } }>(
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
      const release = abortOnClose(request.socket, controller);
      try {
        const { texts, explain } = request.body;
        if (explain && texts.length > MAX_EXPLAIN_TEXTS) {
          throw new ServerError(
            'SERVER_TOO_MANY_TEXTS',
            `explain: true takes at most ${MAX_EXPLAIN_TEXTS} texts per request (each word is one more text to encode); got ${texts.length}`,
            { field: 'texts' },
          );
        }
        // Explanations go through the same queue as predictions (their edited texts count against its bounds).
        const [{ predictions, ref }, explained] = await Promise.all([
          predictor.predictWithRef(texts, { signal: controller.signal }),
          explain ? predictor.explain(texts, { signal: controller.signal }) : undefined,
        ]);
        const withExplanation = <T extends object>(row: T, index: number) => {
          if (explained === undefined) return row;
          const { label, words, coverage, check } = explained.explanations[index]!;
          return { ...row, explanation: { label, words, coverage, check } };
        };
        // The request's threshold, else the server's --abstain-below, else the one stored with the model (--target-accuracy).
        const threshold =
          request.body.abstainBelow ?? defaultAbstainBelow ?? predictor.describe().info.abstention?.threshold;
        if (threshold === undefined)
          return {
            predictions: predictions.map(({ label, score, probabilities }, index) =>
              withExplanation({ label, score, probabilities }, index),
            ),
            model: ref,
          };
        return {
          predictions: abstainBelow(predictions, threshold).map(({ label, score, abstained, probabilities }, index) =>
            withExplanation({ label, score, abstained, probabilities }, index),
          ),
          model: ref,
        };
      } finally {
        release();
      }
    },
  );
}

/** The requests in flight on each connection: one `close` listener per socket, however many requests it pipelines. */
const inFlight = new WeakMap<Socket, Set<AbortController>>();

/**
 * Aborts `controller` when `socket` closes. Pipelined requests share the socket's one listener (a listener per request
 * passed Node's limit of 10 and printed a MaxListenersExceededWarning). Returns the release for when the request ends.
 */
function abortOnClose(socket: Socket, controller: AbortController): () => void {
  let controllers = inFlight.get(socket);
  if (controllers === undefined) {
    const set = new Set<AbortController>();
    controllers = set;
    inFlight.set(socket, set);
    socket.once('close', () => {
      for (const each of set) each.abort();
      set.clear();
    });
  }
  controllers.add(controller);
  const set = controllers;
  return () => set.delete(controller);
}
