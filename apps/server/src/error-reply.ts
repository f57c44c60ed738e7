import { STATUS_CODES } from 'node:http';
import { escapeControl, isSentiError, type ModelErrorCode } from '@senti/errors';
import { FASTIFY_CODES, PREDICTOR_CODES, statusForCode } from './error-status.js';
import type { RequestLimits } from './schemas.js';
import { ServerError } from './server-error.js';

/** What the client gets for an error: a status and `{ error: { code, message, field? } }`. */
export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string; field?: string } };
}

/** The subset of an Ajv error that fastify attaches to validation errors. */
interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

const INTERNAL_MESSAGE = 'internal server error; the details are in the server log';

/** Turns `/texts/3` into `texts[3]`. */
export function fieldName(instancePath: string, property?: string): string {
  const parts = instancePath.split('/').filter((part) => part !== '');
  if (property !== undefined) parts.push(property);
  return parts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function valueAt(body: unknown, instancePath: string): unknown {
  let value = body;
  for (const part of instancePath.split('/').filter((p) => p !== '')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** Turns the first schema violation of a request body into a server error naming the field. */
export function schemaViolation(error: SchemaError, body: unknown, limits: RequestLimits): ServerError {
  const field = fieldName(error.instancePath);
  const value = valueAt(body, error.instancePath);
  switch (error.keyword) {
    case 'required': {
      const missing = fieldName(error.instancePath, String(error.params.missingProperty));
      return new ServerError('SERVER_MISSING_FIELD', `missing field "${missing}": expected an array of strings`, {
        field: missing,
      });
    }
    case 'additionalProperties': {
      // The key is the client's text: escaped and cut, never echoed raw (a 500k-character key stays a short line).
      const raw = fieldName(error.instancePath, String(error.params.additionalProperty));
      const escaped = escapeControl(raw);
      const extra = escaped.length > 100 ? `${escaped.slice(0, 100)}...` : escaped;
      return new ServerError(
        'SERVER_UNKNOWN_FIELD',
        `unknown field "${extra}"; the fields are "texts" and "abstainBelow"`,
        { field: extra },
      );
    }
    case 'minItems':
      return new ServerError('SERVER_TEXTS_EMPTY', `${field} must contain at least one text`, { field });
    case 'maxItems':
      return new ServerError(
        'SERVER_TOO_MANY_TEXTS',
        `${field} has ${Array.isArray(value) ? value.length : 'too many'} texts; at most ${limits.maxTexts} are allowed per request`,
        { field },
      );
    case 'maxLength':
      return new ServerError(
        'SERVER_TEXT_TOO_LONG',
        `${field} has ${typeof value === 'string' ? [...value].length : 'too many'} characters; at most ${limits.maxChars} are allowed`,
        { field },
      );
    case 'type': {
      if (field === '') {
        return new ServerError(
          'SERVER_INVALID_TYPE',
          `request body must be a JSON object like {"texts": ["..."]}, got ${describe(value)}`,
          { field: 'body' },
        );
      }
      return new ServerError(
        'SERVER_INVALID_TYPE',
        `${field} must be ${String(error.params.type) === 'array' ? 'an array of strings' : `a ${String(error.params.type)}`}, got ${describe(value)}`,
        { field },
      );
    }
    case 'minimum':
    case 'maximum':
      return new ServerError(
        'SERVER_INVALID_REQUEST',
        `${field} must be a probability from 0 to 1, got ${describe(value)}`,
        { field },
      );
    default:
      return new ServerError(
        'SERVER_INVALID_REQUEST',
        `${field === '' ? 'request body' : field} is invalid (${error.keyword})`,
        field === '' ? {} : { field },
      );
  }
}

/** Maps any error thrown while handling a request to the reply the client gets. */
export function errorReply(error: unknown, body: unknown, limits: RequestLimits, contentType?: string): ErrorReply {
  const candidate = error as { validation?: SchemaError[]; code?: unknown; statusCode?: unknown };
  let served: ServerError | undefined;
  if (Array.isArray(candidate.validation) && candidate.validation[0] !== undefined) {
    served = schemaViolation(candidate.validation[0], body, limits);
  } else if (typeof candidate.code === 'string' && candidate.code in FASTIFY_CODES) {
    const code = FASTIFY_CODES[candidate.code]!;
    const messages: Record<string, string> = {
      SERVER_BODY_TOO_LARGE: 'request body is larger than the server accepts (see the --body-limit setting)',
      SERVER_UNSUPPORTED_MEDIA_TYPE: `content-type ${contentType === undefined ? '(none)' : `"${contentType}"`} is not supported; send application/json`,
      SERVER_INVALID_JSON: 'request body is not valid JSON',
      SERVER_EMPTY_BODY: 'request body is empty; send {"texts": ["..."]}',
    };
    served = new ServerError(code, messages[code] ?? 'invalid request');
  } else if (isSentiError(error) && error.code in PREDICTOR_CODES) {
    const code = PREDICTOR_CODES[error.code as ModelErrorCode]!;
    const messages: Record<string, string> = {
      SERVER_NOT_READY: error.message,
      SERVER_SHUTTING_DOWN: 'the server is shutting down',
      SERVER_OVERLOADED: `the server is overloaded: ${error.message}`,
    };
    return reply(statusForCode(code), code, messages[code] ?? error.message);
  } else if (isSentiError(error) && statusForCode(error.code) !== 500) {
    return reply(
      statusForCode(error.code),
      error.code,
      error.message,
      ServerError.isInstance(error) ? error.field : undefined,
    );
  } else if (typeof candidate.statusCode === 'number' && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    served = new ServerError('SERVER_INVALID_REQUEST', 'invalid request');
  }
  if (served === undefined) return reply(500, 'SERVER_INTERNAL', INTERNAL_MESSAGE);
  return reply(statusForCode(served.code), served.code, served.message, served.field);
}

function reply(status: number, code: string, message: string, field?: string): ErrorReply {
  return { status, body: { error: field === undefined ? { code, message } : { code, message, field } } };
}

/** Node's HTTP parser errors (the `clientError` event) mapped to the server's codes and messages. */
export function clientErrorReply(error: NodeJS.ErrnoException): ErrorReply {
  const code = error.code ?? '';
  if (code === 'HPE_HEADER_OVERFLOW') {
    return reply(
      431,
      'SERVER_HEADERS_TOO_LARGE',
      'request headers are larger than the server accepts (see the --max-header-bytes setting)',
    );
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return reply(
      408,
      'SERVER_REQUEST_TIMEOUT',
      'the request was not received in time (see the --headers-timeout-ms and --request-timeout-ms settings)',
    );
  }
  const { reason } = error as { reason?: unknown };
  const text = typeof reason === 'string' ? reason : error.message;
  const detail = code.startsWith('HPE_') ? `: ${escapeControl(text).slice(0, 100)}` : '';
  return reply(400, 'SERVER_BAD_HTTP', `the request is not valid HTTP/1.1${detail}`);
}

/** A complete HTTP/1.1 response for a socket that has no request object (client errors); closes the connection. */
export function rawHttpResponse(status: number, body: ErrorReply['body']): string {
  const json = JSON.stringify(body);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`;
}
