// @senti/server: the HTTP inference service, as a library (the CLI entry is main.ts).
export { createServer, type CreateServerOptions, type SentiServer } from './app.js';
export { parseConfig, USAGE, type ServerConfig } from './config.js';
export { ERROR_STATUS, FASTIFY_CODES, statusForCode } from './error-status.js';
export { openApiDocument } from './openapi.js';
export { ServerError } from './server-error.js';
