// The health port (#28 item 25): probes answered from a thread of their own while the server's event loop is busy.
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type SentiServer } from './app.js';
import { fakeModel } from './testing/fake-model.js';

let server: SentiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Blocks this (the server's) event loop until a probe sent from another thread to `port` gets its answer, or `waitMs`
 * pass. A probe answered by this event loop can never arrive in time: only one answered elsewhere can.
 */
function blockUntilProbed(port: number, path: string, waitMs = 10_000): { answered: boolean; status?: number } {
  const shared = new SharedArrayBuffer(8);
  const flag = new Int32Array(shared);
  const result = new Int32Array(shared, 4, 1);
  const prober = new Worker(
    `const { workerData } = require('node:worker_threads');
     const flag = new Int32Array(workerData.shared);
     const result = new Int32Array(workerData.shared, 4, 1);
     fetch('http://127.0.0.1:' + workerData.port + workerData.path).then((response) => {
       result[0] = response.status;
       Atomics.store(flag, 0, 1);
       Atomics.notify(flag, 0);
     }, () => {});`,
    { eval: true, workerData: { shared, port, path } },
  );
  const outcome = Atomics.wait(flag, 0, 0, waitMs); // the whole event loop stands still here
  void prober.terminate();
  return outcome === 'timed-out' ? { answered: false } : { answered: true, status: result[0]! };
}

describe('--health-port', () => {
  it('answers /healthz while the server event loop is blocked; the main port cannot', async () => {
    const fake = fakeModel();
    server = createServer({ loadModel: async () => fake.model, healthPort: 0 });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    await server.ready;
    expect(server.healthPort).toBeGreaterThan(0);
    expect(blockUntilProbed(server.healthPort!, '/healthz')).toEqual({ answered: true, status: 200 });
    expect(blockUntilProbed(server.healthPort!, '/readyz')).toEqual({ answered: true, status: 200 });
    // The same probe on the main port waits for the event loop it is blocking (and is answered only afterwards).
    const mainPort = Number(new URL(base).port);
    expect(blockUntilProbed(mainPort, '/healthz', 2_000)).toEqual({ answered: false });
  }, 30_000);

  it('reports not-ready once the server is leaving, then stops with the server', async () => {
    const fake = fakeModel();
    server = createServer({ loadModel: async () => fake.model, healthPort: 0 });
    await server.listen({ port: 0, host: '127.0.0.1' });
    await server.ready;
    const url = `http://127.0.0.1:${server.healthPort}`;
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: 'ok', queuedTexts: 0 });
    server.leave();
    // The thread reads the state every 100 ms: ask until it has.
    let body: { status?: string } = {};
    while (body.status !== 'closing') body = (await (await fetch(`${url}/readyz`)).json()) as { status?: string };
    expect(body).toEqual({ status: 'closing', message: 'the server is shutting down' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const wrong = await fetch(`${url}/v1/predict`, { method: 'POST' });
    expect(wrong.status).toBe(404);
    await server.close();
    server = undefined;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
