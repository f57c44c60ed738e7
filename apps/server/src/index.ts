// @senti/server: the HTTP inference service, as a library (the CLI entry is main.ts).
export { createServer, type CreateServerOptions, type SentiServer } from './app.js';
export { httpLimitsOf, parseConfig, USAGE, type ServerConfig } from './config.js';
export { SERVER_DEFAULTS, SERVER_OPTIONS, type ServerOptionKey } from './server-options.js';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.js';
export { ERROR_STATUS, FASTIFY_CODES, statusForCode } from './error-status.js';
export { openApiDocument } from './openapi.js';
export { ServerError } from './server-error.js';
