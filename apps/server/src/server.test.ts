// The server over real HTTP on port 0 with a real artifact (tiny fixture encoder + fresh head).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentiModel } from '@senti/model';
import { createServer, type SentiServer } from './app.js';
import {
  instrument,
  loadTestModel,
  makeTestArtifact,
  maxProbabilityDifference,
  TEST_LABELS,
} from './testing/real-model.js';

/** Predictions through the server equal direct `model.predict` up to this (batch composition changes padding). */
const TOLERANCE = 1e-5;
const LIMITS = { maxTexts: 8, maxChars: 100, bodyLimit: 4096, maxBatchSize: 16, maxWaitMs: 5 };

let cleanup: () => Promise<void>;
let model: SentiModel;
let batchSizes: number[];
let server: SentiServer;
let base: string;

beforeAll(async () => {
  const artifact = await makeTestArtifact();
  cleanup = artifact.cleanup;
  model = await loadTestModel(artifact.dir);
  const instrumented = instrument(model);
  batchSizes = instrumented.batchSizes;
  server = createServer({ loadModel: async () => instrumented.model, ...LIMITS });
  base = await server.listen({ port: 0, host: '127.0.0.1' });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

const post = (body: string, contentType = 'application/json') =>
  fetch(`${base}/v1/predict`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('server with a real model', () => {
  it('predicts each text in order, equal to model.predict', async () => {
    const texts = ['I loved it.', 'Terrible, never again.', 'It was fine I guess.'];
    const response = await post(JSON.stringify({ texts }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as any;
    expect(body.model).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{12}$/), dtype: 'fp32' });
    const direct = await model.predict(texts);
    expect(body.predictions).toHaveLength(3);
    body.predictions.forEach(
      (prediction: { label: string; score: number; probabilities: Record<string, number> }, i: number) => {
        expect(Object.keys(prediction.probabilities)).toEqual(TEST_LABELS);
        expect(prediction.label).toBe(direct[i]!.label);
        expect(prediction.score).toBeCloseTo(direct[i]!.score, 5);
        expect(Object.values(prediction.probabilities).reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      },
    );
    expect(maxProbabilityDifference(body.predictions, direct)).toBeLessThan(TOLERANCE);
  });

  it('describes the model', async () => {
    const response = await fetch(`${base}/v1/model`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({
      labels: TEST_LABELS,
      maxLength: 32,
      metrics: { accuracy: 0.5 },
      encoder: { dtype: 'fp32' },
    });
    expect(JSON.stringify(body)).not.toContain('/fixtures/');
  });

  it('answers healthz and readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', queuedTexts: 0 });
  });

  const cases: { name: string; body: string; contentType?: string; status: number; code: string; field?: string }[] = [
    { name: 'empty array', body: '{"texts":[]}', status: 400, code: 'SERVER_TEXTS_EMPTY', field: 'texts' },
    {
      name: 'non-string text',
      body: '{"texts":["ok",3]}',
      status: 400,
      code: 'SERVER_INVALID_TYPE',
      field: 'texts[1]',
    },
    {
      name: 'null text',
      body: '{"texts":["ok","ok",null]}',
      status: 400,
      code: 'SERVER_INVALID_TYPE',
      field: 'texts[2]',
    },
    { name: 'texts not an array', body: '{"texts":"hello"}', status: 400, code: 'SERVER_INVALID_TYPE', field: 'texts' },
    {
      name: 'too many texts',
      body: JSON.stringify({ texts: Array(9).fill('a') }),
      status: 400,
      code: 'SERVER_TOO_MANY_TEXTS',
      field: 'texts',
    },
    {
      name: 'text too long',
      body: JSON.stringify({ texts: ['a', 'b', 'c'.repeat(101)] }),
      status: 400,
      code: 'SERVER_TEXT_TOO_LONG',
      field: 'texts[2]',
    },
    { name: 'missing field', body: '{}', status: 400, code: 'SERVER_MISSING_FIELD', field: 'texts' },
    { name: 'extra field', body: '{"texts":["a"],"top":3}', status: 400, code: 'SERVER_UNKNOWN_FIELD', field: 'top' },
    { name: 'body not an object', body: '["a"]', status: 400, code: 'SERVER_INVALID_TYPE', field: 'body' },
    { name: 'invalid JSON', body: '{"texts": ["a"', status: 400, code: 'SERVER_INVALID_JSON' },
    { name: 'empty JSON body', body: '', status: 400, code: 'SERVER_EMPTY_BODY' },
    {
      name: 'body over the limit',
      body: JSON.stringify({ texts: ['x'.repeat(5000)] }),
      status: 413,
      code: 'SERVER_BODY_TOO_LARGE',
    },
    {
      name: 'wrong content type',
      body: 'hello',
      contentType: 'text/plain',
      status: 415,
      code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'form content type',
      body: 'texts=a',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    },
  ];
  it.each(cases)('rejects $name with $status $code', async ({ body, contentType, status, code, field }) => {
    const response = await post(body, contentType);
    expect(response.status).toBe(status);
    const json = (await response.json()) as any;
    expect(json).toEqual({
      error: field === undefined ? { code, message: expect.any(String) } : { code, message: expect.any(String), field },
    });
    if (field !== undefined && field !== 'body') expect(json.error.message).toContain(field);
    expect(json.error.message).not.toMatch(/\n|\bat\s+\S+:\d+|node_modules/);
  });

  it('names the limits in messages', async () => {
    const tooLong = (await (await post(JSON.stringify({ texts: ['a', 'é'.repeat(120)] }))).json()) as any;
    expect(tooLong.error.message).toBe('texts[1] has 120 characters; at most 100 are allowed');
    const tooMany = (await (await post(JSON.stringify({ texts: Array(9).fill('a') }))).json()) as any;
    expect(tooMany.error.message).toBe('texts has 9 texts; at most 8 are allowed per request');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${base}/v2/nothing?x=1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'SERVER_NOT_FOUND', message: 'no route GET /v2/nothing' } });
    expect((await fetch(`${base}/v1/predict`)).status).toBe(405); // a known route, another method (#28 item 31)
  });

  it('micro-batches 200 concurrent requests and answers each like model.predict', async () => {
    const requests = Array.from({ length: 200 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, j) =>
        `request ${i} text ${j}: ${'good '.repeat(i % 7)}${'bad '.repeat(j)}`.trim(),
      ),
    );
    batchSizes.length = 0;
    const responses = await Promise.all(requests.map((texts) => post(JSON.stringify({ texts }))));
    expect(responses.map((response) => response.status)).toEqual(Array(200).fill(200));
    const bodies = await Promise.all(responses.map((response) => response.json() as any));
    const served = bodies.flatMap((body) => body.predictions);
    const direct = await model.predict(requests.flat());
    expect(served).toHaveLength(direct.length);
    expect(served.map((p: { label: string }) => p.label)).toEqual(direct.map((p) => p.label));
    const difference = maxProbabilityDifference(served, direct);
    console.info(`largest probability difference, batched vs one model.predict call: ${difference.toExponential(2)}`);
    expect(difference).toBeLessThan(TOLERANCE);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(LIMITS.maxBatchSize);
    expect(batchSizes.length).toBeLessThan(200); // requests really were batched together
    expect(batchSizes.reduce((a, b) => a + b)).toBe(direct.length);
  });
});
