import type { ModelErrorCode } from '@senti/errors';

/**
 * The one table that maps error codes to HTTP statuses: the server's own codes, fastify's codes for
 * body/content-type problems (renamed to server codes), and SentiError codes from the packages.
 * Anything not listed is an internal error (500).
 */
export const ERROR_STATUS = {
  // Request validation (the `field` of the error body names what was wrong).
  SERVER_INVALID_REQUEST: 400,
  SERVER_MISSING_FIELD: 400,
  SERVER_UNKNOWN_FIELD: 400,
  SERVER_INVALID_TYPE: 400,
  SERVER_TEXTS_EMPTY: 400,
  SERVER_TOO_MANY_TEXTS: 400,
  SERVER_TEXT_TOO_LONG: 400,
  SERVER_INVALID_JSON: 400,
  SERVER_EMPTY_BODY: 400,
  SERVER_NOT_FOUND: 404,
  SERVER_METHOD_NOT_ALLOWED: 405,
  SERVER_BODY_TOO_LARGE: 413,
  SERVER_UNSUPPORTED_MEDIA_TYPE: 415,
  SERVER_EXPECTATION_FAILED: 417,
  // Connection-level problems Node's HTTP parser reports (answered by the clientError handler).
  SERVER_BAD_HTTP: 400,
  SERVER_REQUEST_TIMEOUT: 408,
  SERVER_HEADERS_TOO_LARGE: 431,
  // Lifecycle.
  SERVER_NOT_READY: 503,
  SERVER_SHUTTING_DOWN: 503,
  SERVER_OVERLOADED: 503,
  SERVER_INTERNAL: 500,
  // Package errors. Requests are validated before they reach the model, so an error the model or tokenizer
  // throws while predicting is the server's fault: those codes (MODEL_*, TOKENIZE_*) stay unlisted -> 500.
  // Loading errors (MODEL_NOT_FOUND, MODEL_CORRUPT, MODEL_ENCODER_*) only surface as /readyz 503 and at startup.
} as const satisfies Record<string, number>;

/** The codes clients see in `{ error: { code } }`. */
export type ServerErrorCode = keyof typeof ERROR_STATUS;

/** Fastify's own error codes, renamed to the server codes above (so clients see one vocabulary). */
export const FASTIFY_CODES: Readonly<Record<string, ServerErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'SERVER_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'SERVER_INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SERVER_EMPTY_BODY',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SERVER_INVALID_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_TYPE: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_NOT_FOUND: 'SERVER_NOT_FOUND',
};

/** The predictor's codes, renamed to the server codes above. */
export const PREDICTOR_CODES: Readonly<Partial<Record<ModelErrorCode, ServerErrorCode>>> = {
  MODEL_NOT_READY: 'SERVER_NOT_READY',
  MODEL_CLOSING: 'SERVER_SHUTTING_DOWN',
  MODEL_QUEUE_FULL: 'SERVER_OVERLOADED',
  MODEL_QUEUE_TIMEOUT: 'SERVER_OVERLOADED',
};

/** The HTTP status for an error code; unknown codes are internal errors. */
export function statusForCode(code: string): number {
  return (ERROR_STATUS as Readonly<Record<string, number>>)[code] ?? 500;
}
