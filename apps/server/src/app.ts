import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { escapeControl } from '@senti/errors';
import { errorReply } from './error-reply.js';
import { applyConnectionLimit, httpLimitOptions, type HttpLimits } from './http-limits.js';
import { startHealthThread, type HealthListener } from './health-thread.js';
import { readiness, registerHealthRoutes } from './routes/health.js';
import { registerModelInfoRoute } from './routes/model-info.js';
import { registerOpenApiRoute } from './routes/openapi.js';
import { registerPageRoute } from './routes/page.js';
import { registerPredictRoute } from './routes/predict.js';
import { Predictor, type ModelLoader } from '@senti/model/serving';
import { ServerError } from './server-error.js';
import { SERVER_DEFAULTS } from './server-options.js';

/** Options of `createServer`; unset ones take `senti-server`'s defaults (`SERVER_DEFAULTS`). */
export interface CreateServerOptions {
  /** Loads the model to serve; called once, right away (the server answers /healthz and /readyz meanwhile). */
  loadModel: ModelLoader;
  /** Most texts in one `model.predict` call. */
  maxBatchSize?: number;
  /** Longest wait for more texts before a partial batch runs, in ms. */
  maxWaitMs?: number;
  /** Most texts waiting for the encoder; more are answered 503 with Retry-After. */
  maxQueuedTexts?: number;
  /**
   * Longest expected wait for the encoder, in ms: requests whose texts would wait longer at the measured
   * throughput are answered 503 with Retry-After at once, and texts that waited this long are dropped with a 503.
   */
  maxQueueMs?: number;
  /** Most texts in one request. */
  maxTexts?: number;
  /** Most characters in one text. */
  maxChars?: number;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  /** fastify/pino logger settings; default off. */
  logger?: FastifyServerOptions['logger'];
  /** Default abstention threshold of `POST /v1/predict` (a request's `abstainBelow` overrides it); default: the model's own, else none. */
  abstainBelow?: number;
  /** Version reported in the OpenAPI document. */
  version?: string;
  /** Header/request/keep-alive timeouts, connection and header-size limits (see `DEFAULT_HTTP_LIMITS`). */
  http?: Partial<HttpLimits>;
  /**
   * Also serve `GET /healthz` and `GET /readyz` on this port (0: any free one), from a thread with its own event loop:
   * probes there are answered at once even while the main port is flooded. Default: none (they are on the main port only).
   */
  healthPort?: number;
}

/** A configured server: the fastify app, the predictor, and a promise for readiness. */
export interface SentiServer {
  /** The fastify instance (use `app.inject` in tests, `listen` to serve). */
  app: FastifyInstance;
  /** The predictor serving the model (state, queue, predictions). */
  predictor: Predictor;
  /** Settles when the model is loaded and warmed up; rejects with the load error. */
  ready: Promise<void>;
  /** Starts listening (and the health port's thread, when asked for); resolves with the address, e.g. `http://127.0.0.1:8080`. */
  listen(options: { port: number; host: string }): Promise<string>;
  /** The port of the health listener once listening (see `healthPort`). */
  readonly healthPort: number | undefined;
  /** Stops accepting connections, finishes in-flight requests and batches, disposes the model. */
  close(): Promise<void>;
  /** Readiness turns 503 while requests are still served (the drain delay before `close`). */
  leave(): void;
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

/** Text from a request, safe to echo: control characters escaped, at most 100 characters. */
function printable(text: string): string {
  const escaped = escapeControl(text);
  return escaped.length > 100 ? `${escaped.slice(0, 100)}... (${text.length} characters)` : escaped;
}

/** The 404 of an unknown route, or the 405 of a known route asked with another method, in the server's shape. */
function notFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? '';
  const allowed = (['GET', 'HEAD', 'POST'] as const).filter((method) => request.server.hasRoute({ method, url: path }));
  if (allowed.length > 0) {
    const error = new ServerError(
      'SERVER_METHOD_NOT_ALLOWED',
      `${printable(request.method)} is not allowed on ${printable(path)}; use ${allowed.join(' or ')}`,
    );
    return reply
      .status(405)
      .header('allow', allowed.join(', '))
      .send({ error: { code: error.code, message: error.message } });
  }
  const error = new ServerError('SERVER_NOT_FOUND', `no route ${printable(request.method)} ${printable(path)}`);
  return reply.status(404).send({ error: { code: error.code, message: error.message } });
}

/** Builds the HTTP inference server (not listening yet); the model starts loading right away. */
export function createServer(options: CreateServerOptions): SentiServer {
  const limits = {
    maxTexts: options.maxTexts ?? SERVER_DEFAULTS.maxTexts,
    maxChars: options.maxChars ?? SERVER_DEFAULTS.maxChars,
  };
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? SERVER_DEFAULTS.bodyLimit,
    // Validate exactly what the schema says: no type coercion, no silently removed fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: false, // answered by the onRequest hook below, in the server's error format
    forceCloseConnections: 'idle',
    // A URL fastify cannot decode (`/v1/%zz`): 400 in the server's shape, not fastify's.
    frameworkErrors: (error, request, reply) => {
      const message =
        error.code === 'FST_ERR_BAD_URL'
          ? `the URL ${printable(request.url)} is not valid (bad percent-encoding)`
          : 'invalid request';
      void (reply as FastifyReply).code(400).send({ error: { code: 'SERVER_INVALID_REQUEST', message } });
    },
    ...httpLimitOptions(options.http),
  });
  applyConnectionLimit(app.server, options.http, (details, message) => app.log.warn(details, message));
  const predictor = new Predictor({
    loadModel: options.loadModel,
    maxBatchSize: options.maxBatchSize ?? SERVER_DEFAULTS.maxBatchSize,
    maxWaitMs: options.maxWaitMs ?? SERVER_DEFAULTS.maxWaitMs,
    maxQueuedTexts: options.maxQueuedTexts ?? SERVER_DEFAULTS.maxQueuedTexts,
    maxQueueMs: options.maxQueueMs ?? SERVER_DEFAULTS.maxQueueMs,
    onBatch: ({ size, requests, ms, error }) => {
      if (error === undefined) app.log.debug({ size, requests, ms }, 'batch');
      else app.log.error({ size, requests, ms, err: error }, 'batch failed');
    },
  });
  predictor.ready.then(
    // Loaded just as shutdown began (SIGTERM during loading): nothing to announce, and describe() would throw.
    () => (predictor.state === 'ready' ? app.log.info({ model: predictor.describe().ref }, 'model ready') : undefined),
    (error: unknown) => app.log.error({ err: error }, 'model failed to load'),
  );

  // Requests each connection has received and not yet been answered (pipelined ones included): registered first, so
  // every request counts, whichever hook answers it.
  const owed = new WeakMap<Socket, number>();
  app.addHook('onRequest', async (request) => {
    owed.set(request.socket, (owed.get(request.socket) ?? 0) + 1);
  });
  app.addHook('onResponse', async (request) => {
    owed.set(request.socket, (owed.get(request.socket) ?? 1) - 1);
  });

  app.removeContentTypeParser('text/plain'); // only JSON bodies; anything else is 415
  // `Expect` values other than 100-continue: 417 in the server's shape (Node's own 417 has an empty body).
  app.server.on('checkExpectation', (request, response) => {
    const json = JSON.stringify({
      error: {
        code: 'SERVER_EXPECTATION_FAILED',
        message: `Expect: ${printable(String(request.headers.expect))} is not supported; only 100-continue is`,
      },
    });
    response.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      connection: 'close',
    });
    response.end(json);
  });
  app.addHook('onRequest', async (request) => {
    // HTTP/1.1 requires a Host header (Node's own refusal has an empty body, so it is checked here).
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new ServerError('SERVER_BAD_HTTP', 'the request is not valid HTTP/1.1: missing Host header');
    }
    // A compressed body would be parsed as JSON text and fail as "not valid JSON": refuse it by name instead.
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
      throw new ServerError(
        'SERVER_UNSUPPORTED_MEDIA_TYPE',
        `content-encoding "${printable(encoding)}" is not supported; send the JSON body uncompressed`,
      );
    }
    // JSON is UTF-8 (RFC 8259): another declared charset is refused, never decoded as UTF-8 into U+FFFD.
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new ServerError(
        'SERVER_UNSUPPORTED_MEDIA_TYPE',
        `charset "${printable(charset)}" is not supported; send application/json in UTF-8`,
      );
    }
  });
  // Invalid UTF-8 in a body would become U+FFFD and get a 200 for texts nobody sent: refuse it as a bad body instead.
  app.addHook('preParsing', async (_request, _reply, payload) => {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const invalid = () =>
      new ServerError('SERVER_INVALID_JSON', 'request body is not valid UTF-8; JSON must be sent in UTF-8');
    const checked = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          return done(invalid());
        }
        done(null, chunk);
      },
      flush(done) {
        try {
          decoder.decode();
        } catch {
          return done(invalid());
        }
        done();
      },
    });
    payload.on('error', (error) => checked.destroy(error));
    return payload.pipe(checked);
  });
  app.setErrorHandler((error, request, reply) => {
    if (request.is404) return notFound(request, reply); // unknown route: 404 even when its body is bad JSON
    if ((error as { code?: unknown }).code === 'MODEL_ABORTED') {
      request.log.info('client closed the connection before its answer'); // a hang-up, not a server error: no stack
      return reply.status(499).send();
    }
    const { status, body } = errorReply(error, request.body, limits, request.headers['content-type']);
    if (status === 503) void reply.header('retry-after', String(retryAfterSeconds(body.error.code, predictor)));
    if (status >= 500 && status !== 503) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, field: body.error.field }, 'request rejected');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler(notFound);

  // Once shutdown began, requests on still-open keep-alive connections get 503 (liveness excepted).
  app.addHook('preClose', async () => predictor.beginClose());
  app.addHook('onRequest', async (request, reply) => {
    if (predictor.state !== 'closing' || request.url === '/healthz' || request.url === '/readyz') return;
    return reply
      .header('connection', 'close')
      .status(503)
      .send({
        error: { code: 'SERVER_SHUTTING_DOWN', message: 'the server is shutting down; retry on another instance' },
      });
  });

  // Responses finished during shutdown close their connection, so keep-alive sockets do not hold up the exit; but only
  // the last answer a connection owes does: Node takes pipelined requests at once and queues their answers, and an
  // earlier "close" would drop the answers queued behind it (#28 item 30).
  app.addHook('onSend', async (request, reply, payload) => {
    if (predictor.state === 'closing' && (owed.get(request.socket) ?? 0) <= 1) reply.header('connection', 'close');
    return payload;
  });

  registerPredictRoute(app, predictor, limits, options.abstainBelow);
  registerModelInfoRoute(app, predictor);
  let leaving = false;
  registerHealthRoutes(app, predictor, () => leaving);
  registerOpenApiRoute(app, limits, options.version ?? '0.1.0');
  registerPageRoute(app);
  // Runs after the listener stopped and in-flight requests finished: drain the batcher, dispose the model.
  app.addHook('onClose', async () => {
    await predictor.close();
  });

  let closing: Promise<void> | undefined;
  let health: HealthListener | undefined;
  return {
    app,
    predictor,
    ready: predictor.ready,
    get healthPort() {
      return health?.port;
    },
    leave: () => {
      leaving = true;
    },
    listen: async (address) => {
      const listening = await app.listen(address);
      if (options.healthPort !== undefined) {
        health = await startHealthThread({
          host: address.host,
          port: options.healthPort,
          read: () => ({ state: readiness(predictor, () => leaving), queuedTexts: predictor.pending }),
        });
      }
      return listening;
    },
    // The health port answers until the end of the drain (its /readyz says 503 meanwhile).
    close: () => (closing ??= app.close().finally(() => health?.close())),
  };
}
