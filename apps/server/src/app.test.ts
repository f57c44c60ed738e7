// Server behaviour that does not depend on the encoder, checked with a fake model through fastify's inject.
import { describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { fakeModel } from './testing/fake-model.js';

async function started(
  options: Parameters<typeof fakeModel>[0] = {},
  limits: { maxTexts?: number; maxChars?: number } = {},
) {
  const fake = fakeModel(options);
  const server = createServer({ loadModel: async () => fake.model, maxWaitMs: 1, ...limits });
  await server.ready;
  return { server, fake };
}

describe('createServer with a fake model', () => {
  it('answers predictions with label, score, probabilities and the model id', async () => {
    const { server } = await started();
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/predict',
      payload: { texts: ['short', 'x'.repeat(80)] },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.predictions.map((p: { label: string }) => p.label)).toEqual(['negative', 'positive']);
    expect(Object.keys(body.predictions[0])).toEqual(['label', 'score', 'probabilities']);
    expect(body.model).toEqual({ id: expect.stringMatching(/^[0-9a-f]{12}$/), encoder: 'fake-encoder', dtype: 'fp32' });
    await server.close();
  });

  it('hides internal error details behind a 500', async () => {
    const { server } = await started({ fail: (texts) => texts.includes('explode') });
    const response = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['explode'] } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'SERVER_INTERNAL', message: expect.any(String) } });
    expect(response.body).not.toMatch(/secret|boom|\.ts/);
    const fine = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['fine'] } });
    expect(fine.statusCode).toBe(200);
    await server.close();
  });

  it('describes the model without its local path', async () => {
    const { server } = await started();
    const response = await server.app.inject({ method: 'GET', url: '/v1/model' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      labels: ['negative', 'positive'],
      maxLength: 16,
      metrics: { accuracy: 0.9 },
      encoder: { model: 'fake-encoder', dtype: 'fp32' },
    });
    expect(response.body).not.toContain('/secret/path');
    await server.close();
  });

  it('answers 503 SERVER_NOT_READY while loading and 503 from readyz when loading failed', async () => {
    const server = createServer({ loadModel: () => Promise.reject(new Error('no such dir')) });
    await expect(server.ready).rejects.toThrow('no such dir');
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'failed', message: 'the model failed to load' });
    const predict = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a'] } });
    expect(predict.statusCode).toBe(503);
    expect(predict.json().error.code).toBe('SERVER_NOT_READY');
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await server.close();
  });

  it('turns not-ready and refuses work once shutdown began, but stays live', async () => {
    const { server } = await started();
    server.predictor.beginClose();
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('closing');
    const predict = await server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['a'] } });
    expect(predict.statusCode).toBe(503);
    expect(predict.headers.connection).toBe('close');
    expect(predict.json().error.code).toBe('SERVER_SHUTTING_DOWN');
    expect((await server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await server.close();
  });

  it('serves an OpenAPI document that uses the configured limits', async () => {
    const { server } = await started({}, { maxTexts: 7, maxChars: 99 });
    const response = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual([
      '/v1/predict',
      '/v1/model',
      '/healthz',
      '/readyz',
      '/openapi.json',
      '/',
    ]);
    const texts = document.paths['/v1/predict'].post.requestBody.content['application/json'].schema.properties.texts;
    expect(texts).toMatchObject({ maxItems: 7, items: { maxLength: 99 } });
    await server.close();
  });

  it('serves a self-contained page', async () => {
    const { server } = await started();
    const response = await server.app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    await server.close();
  });

  it('disposes the model on close, after finishing queued predictions', async () => {
    const { server, fake } = await started({ held: true });
    const pending = Promise.resolve(
      server.app.inject({ method: 'POST', url: '/v1/predict', payload: { texts: ['still answered'] } }),
    );
    await fake.batchStarted(2);
    const closed = server.close();
    expect(fake.isDisposed()).toBe(false);
    fake.release();
    await closed;
    const answered = await pending;
    expect(answered.statusCode).toBe(200);
    expect(fake.isDisposed()).toBe(true);
  });
});
