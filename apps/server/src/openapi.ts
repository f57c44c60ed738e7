import {
  errorSchema,
  healthSchema,
  modelInfoSchema,
  predictBodySchema,
  predictResponseSchema,
  type RequestLimits,
} from './schemas.js';

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errorRef = { $ref: '#/components/schemas/Error' };
const error = (description: string) => json(errorRef, description);

/** The OpenAPI 3.1 document of the server, built from the same schemas the routes validate with. */
export function openApiDocument(limits: RequestLimits, version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'senti inference server',
      version,
      description: 'Sentence classification with a trained senti model. Concurrent requests are micro-batched.',
    },
    paths: {
      '/v1/predict': {
        post: {
          operationId: 'predict',
          summary: 'Classify sentences',
          requestBody: { required: true, ...json(predictBodySchema(limits), 'The texts to classify.') },
          responses: {
            200: json(predictResponseSchema, 'One prediction per text, in request order.'),
            400: error('Invalid request: `error.field` names the field, e.g. `texts[3]`.'),
            408: error('The request was not received within the header or request timeout.'),
            413: error('Request body too large.'),
            415: error('Content type is not application/json.'),
            431: error('Request headers too large.'),
            500: error('Internal error.'),
            503: error('The model is not loaded yet, or the server is shutting down.'),
          },
        },
      },
      '/v1/model': {
        get: {
          operationId: 'model',
          summary: 'Describe the served model',
          responses: {
            200: json(modelInfoSchema, 'Labels, encoder, max length, training metrics.'),
            503: error('The model is not loaded yet.'),
          },
        },
      },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness: 200 while the process is up',
          responses: { 200: json(healthSchema, 'The process is up.') },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: 200 once the model is loaded and warmed up',
          responses: {
            200: json(healthSchema, 'Ready for traffic.'),
            503: json(healthSchema, 'Loading, failed or shutting down.'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          responses: { 200: { description: 'OpenAPI 3.1 document.' } },
        },
      },
      '/': {
        get: {
          operationId: 'page',
          summary: 'A page to try the model in a browser',
          responses: { 200: { description: 'HTML page.', content: { 'text/html': {} } } },
        },
      },
    },
    components: { schemas: { Error: errorSchema } },
  };
}
