import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ModelError, fromErrorRecord } from '@senti/errors';
import type { LoadModelOptions } from '../artifact/load-model.js';
import type { Prediction } from '../artifact/predictions.js';
import type { Classifier } from './classifier.js';
import type { ExplanationPlan } from '../explain/plan-explanation.js';
import type { ThreadReply, ThreadRequest } from './thread-messages.js';

/**
 * Starts the model thread. Built code runs `model-thread-worker.js` directly; from TypeScript source (tests, `tsx`)
 * the thread registers tsx first and resolves workspace packages through their `source` condition, as its parent does.
 */
function startWorker(workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./model-thread-worker.js', here), { workerData });
  // Node 20 does not apply `--import` hooks to a worker's entry module, so the thread imports it through tsx's API.
  const tsxApi = pathToFileURL(
    join(dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
  ).href;
  const entry = new URL('./model-thread-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData, execArgv: ['--conditions=source'] });
}

/**
 * Loads a servable model (a senti model directory or an export) in a worker thread and returns it as a
 * {@link Classifier}: tokenizing, the encoder's `session.run` and the head all run on that thread, so the caller's
 * event loop stays free (an HTTP server keeps answering while a batch runs). Answers are the same, bit for bit, as
 * those of the model loaded in the caller's thread: the same code runs on the same ONNX Runtime and tfjs backend.
 */
export function loadModelInThread(dir: string, options: LoadModelOptions = {}): Promise<Classifier> {
  const worker = startWorker({ dir, options });
  const pending = new Map<number, { resolve: (answer: never) => void; reject: (error: unknown) => void }>();
  let nextId = 0;
  let broken: Error | undefined;
  let disposed: Promise<void> | undefined;
  const send = (request: ThreadRequest) => worker.postMessage(request);
  /** Sends a request and waits for its answer. */
  const ask = <T>(make: (id: number) => ThreadRequest): Promise<T> => {
    if (broken !== undefined) return Promise.reject(broken);
    if (disposed !== undefined)
      return Promise.reject(new ModelError('MODEL_CLOSING', 'the model is shutting down', 'runtime'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (answer: never) => void, reject });
      send(make(id));
    });
  };

  return new Promise<Classifier>((resolveLoad, rejectLoad) => {
    const fail = (error: Error) => {
      broken ??= error;
      rejectLoad(error);
      for (const { reject } of pending.values()) reject(error);
      pending.clear();
    };
    worker.on('error', (error) =>
      fail(
        new ModelError('MODEL_THREAD_FAILED', `the model thread failed: ${error.message}`, 'runtime', { cause: error }),
      ),
    );
    worker.on('exit', (code) => {
      if (disposed === undefined)
        fail(new ModelError('MODEL_THREAD_FAILED', `the model thread exited (code ${code})`, 'runtime'));
    });
    worker.on('message', (reply: ThreadReply) => {
      switch (reply.type) {
        case 'loaded':
          resolveLoad({
            info: reply.info,
            predict: (texts) => ask<Prediction[]>((id) => ({ type: 'predict', id, texts })),
            planExplanations: (texts, options = {}) =>
              ask<ExplanationPlan[]>((id) => ({
                type: 'plan-explanations',
                id,
                texts,
                ...(options.maxWords === undefined ? {} : { maxWords: options.maxWords }),
              })),
            dispose() {
              disposed ??=
                broken !== undefined
                  ? worker.terminate().then(() => {})
                  : new Promise<void>((resolve) => {
                      worker.once('exit', () => resolve());
                      send({ type: 'dispose' });
                    });
              return disposed;
            },
          });
          return;
        case 'load-failed':
          disposed = worker.terminate().then(() => {});
          rejectLoad(fromErrorRecord(reply.error));
          return;
        case 'predicted':
        case 'planned':
        case 'predict-failed': {
          const waiter = pending.get(reply.id);
          pending.delete(reply.id);
          if (reply.type === 'predicted') waiter?.resolve(reply.predictions as never);
          else if (reply.type === 'planned') waiter?.resolve(reply.plans as never);
          else waiter?.reject(fromErrorRecord(reply.error));
          return;
        }
        case 'disposed':
          return;
      }
    });
  });
}
