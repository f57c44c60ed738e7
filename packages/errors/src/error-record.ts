import type {
  DataErrorCode,
  FileErrorCode,
  MetricsErrorCode,
  ModelErrorCode,
  QueueErrorCode,
  SentiErrorCode,
  ServerErrorCode,
  TokenizeErrorCode,
  TrainErrorCode,
  UsageErrorCode,
} from './error-codes.js';
import {
  DataError,
  FileError,
  MetricsError,
  ModelError,
  QueueError,
  TokenizeError,
  TrainError,
  UsageError,
} from './package-errors.js';
import {
  SentiError,
  errorFamily,
  isSentiError,
  markFamily,
  type ErrorKind,
  type SentiErrorOptions,
} from './senti-error.js';

/** The codes of each error family, by family name: a record's `code` narrows with its `family`. */
export interface ErrorFamilyCodes {
  SentiError: SentiErrorCode;
  DataError: DataErrorCode;
  TokenizeError: TokenizeErrorCode;
  ModelError: ModelErrorCode;
  TrainError: TrainErrorCode;
  MetricsError: MetricsErrorCode;
  UsageError: UsageErrorCode;
  FileError: FileErrorCode;
  QueueError: QueueErrorCode;
  /** apps/server's `ServerError` (its class lives in the server; a record of it rebuilds as a `SentiError` so marked). */
  ServerError: ServerErrorCode;
}

/** The name of an error family. */
export type ErrorFamily = keyof ErrorFamilyCodes;

/** Extra fields of a family, as plain values: `path` of a `FileError`, `field` of a `ServerError`. */
export type ErrorDetails = Record<string, string | number | boolean | null>;

/** A senti error as a plain object, for `postMessage`, JSON and queues; {@link fromErrorRecord} rebuilds the error. */
export type SentiErrorRecord = {
  [F in ErrorFamily]: {
    family: F;
    code: ErrorFamilyCodes[F];
    kind: ErrorKind;
    message: string;
    hint?: string;
    details?: ErrorDetails;
    stack?: string;
  };
}[ErrorFamily];

/** Any other error (a bug, a system error) as a plain object: its name, message and Node's `code` (ENOENT...). */
export interface PlainErrorRecord {
  family?: undefined;
  name: string;
  message: string;
  /** Node's system error code of the original, e.g. `ENOENT`. */
  errno?: string;
  stack?: string;
}

/** An error as a plain object: a senti error by family and code, or any other error by name. */
export type ErrorRecord = SentiErrorRecord | PlainErrorRecord;

/** Fields of a senti error that the record holds under their own names, not in `details`. */
const OWN_FIELDS = new Set(['name', 'code', 'kind', 'hint', 'message', 'stack', 'cause']);

/**
 * Flattens an error into a plain object that survives `postMessage` and JSON (structured clone keeps only the
 * message and stack of an Error). The cause is not kept; `stack: false` leaves the stack out.
 */
export function toErrorRecord(error: unknown, options: { stack?: boolean } = {}): ErrorRecord {
  const stack =
    options.stack !== false && error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {};
  if (isSentiError(error)) {
    const details: ErrorDetails = {};
    for (const [key, value] of Object.entries(error)) {
      if (OWN_FIELDS.has(key)) continue;
      if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        details[key] = value;
    }
    return {
      family: (errorFamily(error) ?? 'SentiError') as ErrorFamily,
      code: error.code,
      kind: error.kind,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(Object.keys(details).length === 0 ? {} : { details }),
      ...stack,
    } as SentiErrorRecord;
  }
  if (error instanceof Error) {
    const errno = (error as NodeJS.ErrnoException).code;
    return { name: error.name, message: error.message, ...(typeof errno === 'string' ? { errno } : {}), ...stack };
  }
  return { name: 'Error', message: String(error) };
}

/** How each family of this package is rebuilt (their constructors differ). */
const REBUILD: Record<string, (record: SentiErrorRecord, options: SentiErrorOptions) => SentiError> = {
  SentiError: (record, options) => new SentiError(record.code, record.message, record.kind, options),
  DataError: (record, options) => new DataError(record.code as DataErrorCode, record.message, record.kind, options),
  TokenizeError: (record, options) =>
    new TokenizeError(record.code as TokenizeErrorCode, record.message, record.kind, options),
  ModelError: (record, options) => new ModelError(record.code as ModelErrorCode, record.message, record.kind, options),
  TrainError: (record, options) => new TrainError(record.code as TrainErrorCode, record.message, record.kind, options),
  MetricsError: (record, options) =>
    new MetricsError(record.code as MetricsErrorCode, record.message, record.kind, options),
  UsageError: (record, options) => new UsageError(record.code as UsageErrorCode, record.message, options),
  FileError: (record, options) =>
    new FileError(
      record.code as FileErrorCode,
      record.message,
      String(record.details?.['path'] ?? ''),
      record.kind,
      options,
    ),
  QueueError: (record, options) => new QueueError(record.code as QueueErrorCode, record.message, record.kind, options),
};

/**
 * Rebuilds the error a record was made from: the same family (its class when this package defines it, otherwise a
 * `SentiError` marked with the family, so `Family.isInstance` still recognises it), code, kind, hint, details and
 * stack; any other error as an `Error` with its name and errno.
 */
export function fromErrorRecord(record: SentiErrorRecord): SentiError;
export function fromErrorRecord(record: ErrorRecord): Error;
export function fromErrorRecord(record: ErrorRecord): Error {
  let error: Error;
  if (record.family === undefined) {
    error = new Error(record.message);
    error.name = record.name;
    if (record.errno !== undefined) (error as NodeJS.ErrnoException).code = record.errno;
  } else {
    const options = record.hint === undefined ? {} : { hint: record.hint };
    const rebuild = Object.hasOwn(REBUILD, record.family) ? REBUILD[record.family] : undefined;
    const rebuilt = rebuild
      ? rebuild(record, options)
      : new SentiError(record.code, record.message, record.kind, options);
    if (!rebuild) {
      rebuilt.name = record.family;
      markFamily(rebuilt, record.family);
    }
    for (const [key, value] of Object.entries(record.details ?? {})) {
      if (!(key in rebuilt) && !OWN_FIELDS.has(key)) Object.defineProperty(rebuilt, key, { value, enumerable: true });
    }
    error = rebuilt;
  }
  if (record.stack !== undefined) error.stack = record.stack;
  return error;
}

/** True for a value shaped like an {@link ErrorRecord} (read back from JSON, a queue or another thread). */
export function isErrorRecord(value: unknown): value is ErrorRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (typeof record['message'] !== 'string') return false;
  if (record['family'] === undefined) return typeof record['name'] === 'string';
  return (
    typeof record['family'] === 'string' &&
    typeof record['code'] === 'string' &&
    ['usage', 'input', 'runtime'].includes(record['kind'] as string)
  );
}
