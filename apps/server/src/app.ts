import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { errorReply } from './error-reply.js';
import { applyConnectionLimit, httpLimitOptions, type HttpLimits } from './http-limits.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerModelInfoRoute } from './routes/model-info.js';
import { registerOpenApiRoute } from './routes/openapi.js';
import { registerPageRoute } from './routes/page.js';
import { registerPredictRoute } from './routes/predict.js';
import { Predictor, type ModelLoader } from '@senti/model';
import { ServerError } from './server-error.js';

/** Options of `createServer`. */
export interface CreateServerOptions {
  /** Loads the model to serve; called once, right away (the server answers /healthz and /readyz meanwhile). */
  loadModel: ModelLoader;
  /** Most texts in one `model.predict` call (default 32). */
  maxBatchSize?: number;
  /** Longest wait for more texts before a partial batch runs, in ms (default 5). */
  maxWaitMs?: number;
  /** Most texts waiting for the encoder; more are answered 503 with Retry-After (default 4096). */
  maxQueuedTexts?: number;
  /**
   * Longest expected wait for the encoder, in ms (default 5000): requests whose texts would wait longer at the measured
   * throughput are answered 503 with Retry-After at once, and texts that waited this long are dropped with a 503.
   */
  maxQueueMs?: number;
  /** Most texts in one request (default 256). */
  maxTexts?: number;
  /** Most characters in one text (default 10000). */
  maxChars?: number;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** fastify/pino logger settings; default off. */
  logger?: FastifyServerOptions['logger'];
  /** Default abstention threshold of `POST /v1/predict` (a request's `abstainBelow` overrides it); default: the model's own, else none. */
  abstainBelow?: number;
  /** Version reported in the OpenAPI document. */
  version?: string;
  /** Header/request/keep-alive timeouts, connection and header-size limits (see `DEFAULT_HTTP_LIMITS`). */
  http?: Partial<HttpLimits>;
}

/** A configured server: the fastify app, the predictor, and a promise for readiness. */
export interface SentiServer {
  /** The fastify instance (use `app.inject` in tests, `listen` to serve). */
  app: FastifyInstance;
  /** The predictor serving the model (state, queue, predictions). */
  predictor: Predictor;
  /** Settles when the model is loaded and warmed up; rejects with the load error. */
  ready: Promise<void>;
  /** Starts listening; resolves with the address, e.g. `http://127.0.0.1:8080`. */
  listen(options: { port: number; host: string }): Promise<string>;
  /** Stops accepting connections, finishes in-flight requests and batches, disposes the model. */
  close(): Promise<void>;
}

/**
 * Seconds a client should wait before retrying a 503: while overloaded, the time the queue now needs (at least 1 s);
 * while the model loads, a few seconds; while shutting down, 1 s (on another instance).
 */
function retryAfterSeconds(code: string, predictor: Predictor): number {
  if (code === 'SERVER_NOT_READY') return 5;
  if (code !== 'SERVER_OVERLOADED') return 1;
  return Math.min(60, Math.max(1, Math.ceil((predictor.expectedWaitMs() ?? 0) / 1000)));
}

/** Builds the HTTP inference server (not listening yet); the model starts loading right away. */
export function createServer(options: CreateServerOptions): SentiServer {
  const limits = { maxTexts: options.maxTexts ?? 256, maxChars: options.maxChars ?? 10_000 };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Validate exactly what the schema says: no type coercion, no silently removed fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: false, // answered by the onRequest hook below, in the server's error format
    forceCloseConnections: 'idle',
    ...httpLimitOptions(options.http),
  });
  applyConnectionLimit(app.server, options.http, (details, message) => app.log.warn(details, message));
  const predictor = new Predictor({
    loadModel: options.loadModel,
    maxBatchSize: options.maxBatchSize ?? 32,
    maxWaitMs: options.maxWaitMs ?? 5,
    maxQueuedTexts: options.maxQueuedTexts ?? 4096,
    maxQueueMs: options.maxQueueMs ?? 5000,
    onBatch: ({ size, requests, ms, error }) => {
      if (error === undefined) app.log.debug({ size, requests, ms }, 'batch');
      else app.log.error({ size, requests, ms, err: error }, 'batch failed');
    },
  });
  predictor.ready.then(
    () => app.log.info({ model: predictor.describe().ref }, 'model ready'),
    (error: unknown) => app.log.error({ err: error }, 'model failed to load'),
  );

  app.removeContentTypeParser('text/plain'); // only JSON bodies; anything else is 415
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorReply(error, request.body, limits, request.headers['content-type']);
    if (status === 503) void reply.header('retry-after', String(retryAfterSeconds(body.error.code, predictor)));
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, field: body.error.field }, 'request rejected');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ServerError('SERVER_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send({ error: { code: error.code, message: error.message } });
  });

  // Once shutdown began, requests on still-open keep-alive connections get 503 (liveness excepted).
  app.addHook('preClose', async () => predictor.beginClose());
  app.addHook('onRequest', async (request, reply) => {
    if (predictor.state !== 'closing' || request.url === '/healthz' || request.url === '/readyz') return;
    return reply
      .header('connection', 'close')
      .status(503)
      .send({ error: { code: 'SERVER_SHUTTING_DOWN', message: 'the server is shutting down; retry on another instance' } });
  });

  // Responses finished during shutdown close their connection, so keep-alive sockets do not hold up the exit.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (predictor.state === 'closing') reply.header('connection', 'close');
    return payload;
  });

  registerPredictRoute(app, predictor, limits, options.abstainBelow);
  registerModelInfoRoute(app, predictor);
  registerHealthRoutes(app, predictor);
  registerOpenApiRoute(app, limits, options.version ?? '0.1.0');
  registerPageRoute(app);
  // Runs after the listener stopped and in-flight requests finished: drain the batcher, dispose the model.
  app.addHook('onClose', async () => {
    await predictor.close();
  });

  let closing: Promise<void> | undefined;
  return {
    app,
    predictor,
    ready: predictor.ready,
    listen: (address) => app.listen(address),
    close: () => (closing ??= app.close()),
  };
}
