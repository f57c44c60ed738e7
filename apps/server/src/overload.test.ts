// Overload never turns into timeouts for everyone: a bounded queue answers 503 + Retry-After, and work whose
// client has gone is dropped before it reaches the model. The model is held by a gate the test opens, and the test
// waits for events (a batch started, texts queued), never for a clock, so it holds on a busy machine.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { fakeModel, until } from './testing/fake-model.js';

describe('server under overload', () => {
  it('answers 503 SERVER_OVERLOADED with Retry-After when the queue is full, and serves again once it drains', async () => {
    const fake = fakeModel({ held: true });
    const server = createServer({
      loadModel: async () => fake.model,
      maxBatchSize: 2,
      maxWaitMs: 0,
      maxQueuedTexts: 4,
    });
    await server.ready;
    const post = (texts: string[]) => server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts } });
    const first = post(['a', 'b']); // taken into a batch, held there
    await fake.batchStarted(2);
    const queued = post(['c', 'd', 'e', 'f']); // fills the queue
    await until(() => server.predictor.pending === 4);
    const refused = await post(['g']);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      error: { code: 'SERVER_OVERLOADED', message: expect.stringMatching(/queue is full/) },
    });
    // Refused before its body is read: a flood of retries costs no parsing (bad JSON gets the 503, not a 400).
    const unparsed = await server.app.inject({
      method: 'POST',
      url: '/v1/predict',
      headers: { 'content-type': 'application/json' },
      payload: '{"texts": [',
    });
    expect(unparsed.statusCode).toBe(503);
    expect(unparsed.headers['retry-after']).toBe('1');
    fake.release();
    expect((await first).statusCode).toBe(200);
    expect((await queued).statusCode).toBe(200);
    expect((await post(['g'])).statusCode).toBe(200);
    await server.close();
  });

  it('drops the queued texts of a client that disconnected: the model never sees them', async () => {
    const fake = fakeModel({ held: true });
    const server = createServer({ loadModel: async () => fake.model, maxBatchSize: 1, maxWaitMs: 0 });
    await server.ready;
    const base = new URL(await server.listen({ port: 0, host: '127.0.0.1' }));
    const send = (texts: string[]) => {
      const body = JSON.stringify({ texts });
      const req = request({
        host: base.hostname,
        port: base.port,
        path: '/v1/predict',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const done = new Promise<number>((resolve, reject) => {
        req.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        req.on('error', reject);
      });
      req.end(body);
      return { req, done };
    };
    const busy = send(['keeps the model busy']);
    await fake.batchStarted(2);
    const leaving = send(['gone-1', 'gone-2', 'gone-3']);
    leaving.done.catch(() => {});
    await until(() => server.predictor.pending === 3);
    leaving.req.destroy(); // the client hangs up while its texts wait
    await until(() => server.predictor.pending === 0);
    fake.release();
    expect(await busy.done).toBe(200);
    const after = send(['after']);
    expect(await after.done).toBe(200);
    expect(fake.batches.flat()).not.toContain('gone-1');
    expect(fake.batches.flat()).not.toContain('gone-2');
    expect(fake.batches.flat()).not.toContain('gone-3');
    expect(server.predictor.pending).toBe(0);
    await server.close();
  });
});
