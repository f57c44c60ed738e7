// Requests pipelined behind an in-flight one when shutdown begins (#28 item 30): each gets an answer, or the connection
// closes cleanly after the answers it got, announced by Connection: close; none is left hanging unanswered.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type SentiServer } from './app.js';
import { fakeModel } from './testing/fake-model.js';
import { open, parseResponses, rawRequest } from './testing/raw-http.js';

let server: SentiServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('shutdown with pipelined requests', () => {
  it('answers the in-flight request and every request pipelined behind it, then closes the connection (#28 item 30)', async () => {
    const fake = fakeModel({ held: true });
    server = createServer({ loadModel: async () => fake.model, maxWaitMs: 0 });
    const base = await server.listen({ port: 0, host: '127.0.0.1' });
    await server.ready;
    const socket = await open(Number(new URL(base).port));
    const raw: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => raw.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      Buffer.concat([
        rawRequest('{"texts":["first"]}'),
        rawRequest('{"texts":["second"]}'),
        rawRequest('{"texts":["third"]}'),
      ]),
    );
    await fake.batchStarted(2); // the first request is in the model (held); the others wait on the connection
    const stopped = server.close();
    while (server.predictor.state !== 'closing') await new Promise((resolve) => setImmediate(resolve));
    fake.release();
    await closed;
    await stopped;
    server = undefined;
    const responses = parseResponses(Buffer.concat(raw));
    // Every request gets an answer: predictions for those taken before shutdown began, 503 "shutting down" for those
    // taken after; only the last answer closes the connection (an earlier close dropped the answers behind it).
    expect(responses).toHaveLength(3);
    expect(responses[0]!.status).toBe(200);
    for (const response of responses.slice(1)) {
      if (response.status === 200) expect((response.body as { predictions: unknown[] }).predictions).toHaveLength(1);
      else expect(response).toMatchObject({ status: 503, body: { error: { code: 'SERVER_SHUTTING_DOWN' } } });
    }
    expect(responses.map((response) => response.headers.connection?.toLowerCase())).toEqual([
      'keep-alive',
      'keep-alive',
      'close',
    ]);
  });
});
