// Readiness while the model loads, and draining on close, over real HTTP with a real artifact.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { instrument, loadTestModel, makeTestArtifact } from './testing/real-model.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTestArtifact());
});

afterAll(async () => {
  await cleanup?.();
});

/** A promise plus the function that resolves it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Resolves with the error code of a fresh TCP connection attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

describe('server lifecycle', () => {
  it('is live but not ready until the model is loaded and warmed up', async () => {
    const loaderGate = gate();
    const server = createServer({
      loadModel: async () => {
        await loaderGate.opened;
        return loadTestModel(dir);
      },
    });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const loading = await fetch(`${base}/readyz`);
    expect(loading.status).toBe(503);
    expect(await loading.json()).toEqual({ status: 'loading', message: 'the model is loading' });
    const early = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"texts":["hi"]}',
    });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('5');
    expect(((await early.json()) as any).error.code).toBe('SERVER_NOT_READY');
    expect((await fetch(`${base}/v1/model`)).status).toBe(503);

    loaderGate.open();
    await server.ready;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const after = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"texts":["hi"]}',
    });
    expect(after.status).toBe(200);
    await server.close();
  });

  it('on close refuses new connections, finishes the in-flight request, then disposes the model', async () => {
    const batchGate = gate();
    let warmedUp = false;
    const batchStarted = gate();
    const instrumented = instrument(await loadTestModel(dir), {
      before: async () => {
        if (!warmedUp) {
          // let the warm-up prediction through
          warmedUp = true;
          return;
        }
        batchStarted.open();
        await batchGate.opened;
      },
    });
    const server = createServer({ loadModel: async () => instrumented.model, maxBatchSize: 32 });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(base).port);
    await server.ready;

    const texts = Array.from({ length: 100 }, (_, i) => `sentence number ${i} of a large request`);
    const inFlight = fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ texts }),
    });
    await batchStarted.opened;
    const closed = server.close();
    let refused = 'connected';
    for (let attempt = 0; attempt < 200 && refused !== 'ECONNREFUSED'; attempt += 1) {
      refused = await tryConnect(port); // 'connected' or ECONNRESET while the listener is closing
      if (refused !== 'ECONNREFUSED') await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(refused).toBe('ECONNREFUSED');
    expect(instrumented.isDisposed()).toBe(false);

    batchGate.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as any).predictions).toHaveLength(100);
    await closed;
    expect(instrumented.isDisposed()).toBe(true);
    expect(instrumented.batchSizes.slice(1)).toEqual([32, 32, 32, 4]);
  });
});
