import { Worker } from 'node:worker_threads';
import type { PredictorState } from '@senti/model/serving';
import { NOT_READY_MESSAGES } from './routes/health.js';

/** The states `/readyz` can report, by index in the shared memory. */
const STATES: readonly PredictorState[] = ['loading', 'ready', 'failed', 'closing', 'closed'];

/** How long the server's event loop may go without a turn before `/healthz` on the health port says 503. */
export const STALLED_AFTER_MS = 10_000;

/** How often the server's event loop writes its heartbeat, state and queue length for the health thread. */
const BEAT_MS = 100;

/**
 * The health thread: a bare node:http server on its own event loop, answering from shared memory that the server's
 * event loop writes every 100 ms. It runs as a CommonJS script (`eval`), so it needs no build step and no loader.
 */
const HEALTH_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { buffer, host, port, states, messages, stalledAfterMs } = workerData;
const ints = new Int32Array(buffer, 0, 2);
const beat = new BigInt64Array(buffer, 8, 1);
const send = (request, response, status, body, headers = {}) => {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), 'cache-control': 'no-store', ...headers });
  response.end(request.method === 'HEAD' ? undefined : json);
};
const server = http.createServer((request, response) => {
  const path = (request.url || '').split('?')[0];
  if (path !== '/healthz' && path !== '/readyz') {
    return send(request, response, 404, { error: { code: 'SERVER_NOT_FOUND', message: 'the health port serves GET /healthz and GET /readyz only' } });
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return send(request, response, 405, { error: { code: 'SERVER_METHOD_NOT_ALLOWED', message: 'use GET or HEAD' } }, { allow: 'GET, HEAD' });
  }
  if (path === '/healthz') {
    const silent = Date.now() - Number(Atomics.load(beat, 0));
    if (silent > stalledAfterMs) return send(request, response, 503, { status: 'stalled', message: 'the server\\'s event loop has not run for ' + silent + ' ms' });
    return send(request, response, 200, { status: 'ok' });
  }
  const state = states[Atomics.load(ints, 0)];
  if (state === 'ready') return send(request, response, 200, { status: 'ok', queuedTexts: Atomics.load(ints, 1) });
  return send(request, response, 503, { status: state, message: messages[state] || state });
});
server.headersTimeout = 5000;
server.requestTimeout = 5000;
server.keepAliveTimeout = 5000;
server.on('clientError', (error, socket) => socket.destroy());
server.once('error', (error) => parentPort.postMessage({ type: 'error', code: error.code, message: error.message }));
server.listen(port, host, () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', () => {
  server.close(() => parentPort.close());
  server.closeAllConnections();
});
`;

/** What the health thread reports, read on the server's event loop every 100 ms. */
export interface HealthSnapshot {
  state: PredictorState;
  queuedTexts: number;
}

/** A running health listener. */
export interface HealthListener {
  /** The port it listens on (the one asked for, or the one picked for 0). */
  port: number;
  /** Stops listening and ends the thread. */
  close(): Promise<void>;
}

/**
 * Serves `GET /healthz` and `GET /readyz` on their own port from a worker thread with its own event loop, so a probe is
 * answered at once however busy the server's event loop is (a flood of refused requests queued ~1 s in front of
 * probes on the main port). `/healthz` still fails when the server's event loop stops turning (no heartbeat for
 * {@link STALLED_AFTER_MS}), so liveness keeps its meaning; `/readyz` reports `read()` as of at most 100 ms ago.
 */
export function startHealthThread(options: {
  host: string;
  port: number;
  read: () => HealthSnapshot;
}): Promise<HealthListener> {
  const buffer = new SharedArrayBuffer(16);
  const ints = new Int32Array(buffer, 0, 2);
  const beat = new BigInt64Array(buffer, 8, 1);
  const write = () => {
    const { state, queuedTexts } = options.read();
    Atomics.store(ints, 0, Math.max(0, STATES.indexOf(state)));
    Atomics.store(ints, 1, queuedTexts);
    Atomics.store(beat, 0, BigInt(Date.now()));
  };
  write();
  const timer = setInterval(write, BEAT_MS);
  timer.unref();
  const worker = new Worker(HEALTH_THREAD_SOURCE, {
    eval: true,
    workerData: {
      buffer,
      host: options.host,
      port: options.port,
      states: STATES,
      messages: NOT_READY_MESSAGES,
      stalledAfterMs: STALLED_AFTER_MS,
    },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    worker.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    worker.on(
      'message',
      (message: { type: 'listening'; port: number } | { type: 'error'; code?: string; message: string }) => {
        if (message.type === 'error') {
          clearInterval(timer);
          void worker.terminate();
          reject(
            Object.assign(new Error(message.message), {
              code: message.code,
              port: options.port,
              host: options.host,
              flag: '--health-port',
            }),
          );
          return;
        }
        worker.unref(); // the main listener, not this one, keeps the process alive
        resolve({
          port: message.port,
          close: async () => {
            clearInterval(timer);
            worker.postMessage('close');
            await exited;
          },
        });
      },
    );
  });
}
