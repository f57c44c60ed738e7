import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi.js';
import type { RequestLimits } from '../schemas.js';

/** `GET /openapi.json`: the OpenAPI document. */
export function registerOpenApiRoute(app: FastifyInstance, limits: RequestLimits, version: string): void {
  const document = JSON.stringify(openApiDocument(limits, version));
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(document),
  );
}
