import { DataError, FileError, MetricsError, ModelError, SentiError, TokenizeError, TrainError, UsageError, isSentiError, type ErrorKind, type SentiErrorCode } from '@senti/errors';
import type { Prediction } from '../artifact/predictions.js';
import type { ServedModelInfo } from './served-model-info.js';
import type { ExplanationPlan } from '../explain/plan-explanation.js';

/** What the model thread is asked to do. */
export type ThreadRequest =
  | { type: 'predict'; id: number; texts: readonly string[] }
  | { type: 'plan-explanations'; id: number; texts: readonly string[]; maxWords?: number }
  | { type: 'dispose' };

/** What the model thread answers. */
export type ThreadReply =
  | { type: 'loaded'; info: ServedModelInfo }
  | { type: 'load-failed'; error: ErrorRecord }
  | { type: 'predicted'; id: number; predictions: Prediction[] }
  | { type: 'predict-failed'; id: number; error: ErrorRecord }
  | { type: 'planned'; id: number; plans: ExplanationPlan[] }
  | { type: 'disposed' };

/** An error as it crosses the thread boundary (structured clone keeps only message and stack of an Error). */
export interface ErrorRecord {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  kind?: ErrorKind;
  hint?: string;
  /** Node's system error code (ENOENT...) of a non-senti error. */
  errno?: string;
  /** The file a `FileError` is about. */
  path?: string;
}

/** Flattens an error for `postMessage`. */
export function toErrorRecord(error: unknown): ErrorRecord {
  if (isSentiError(error)) {
    return {
      name: error.name, message: error.message, code: error.code, kind: error.kind,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      ...(error instanceof FileError ? { path: error.path } : {}),
    };
  }
  if (error instanceof Error) {
    const errno = (error as NodeJS.ErrnoException).code;
    return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }), ...(typeof errno === 'string' ? { errno } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

type Family = new (code: SentiErrorCode, message: string, kind: ErrorKind, options: { hint?: string }) => SentiError;
const FAMILIES: Record<string, Family> = {
  DataError: DataError as unknown as Family, TokenizeError: TokenizeError as unknown as Family, ModelError: ModelError as unknown as Family,
  TrainError: TrainError as unknown as Family, MetricsError: MetricsError as unknown as Family, SentiError: SentiError as unknown as Family,
};

/** Rebuilds an error of the same family, code, kind and hint on this side of the thread boundary. */
export function fromErrorRecord(record: ErrorRecord): Error {
  let error: Error;
  const options = record.hint === undefined ? {} : { hint: record.hint };
  if (record.code !== undefined && record.name === 'UsageError') {
    error = new UsageError(record.code as never, record.message, options);
  } else if (record.code !== undefined && record.name === 'FileError') {
    error = new FileError(record.code as never, record.message, record.path ?? '', record.kind ?? 'runtime', options);
  } else if (record.code !== undefined) {
    const Family = FAMILIES[record.name] ?? FAMILIES.SentiError!;
    error = new Family(record.code as SentiErrorCode, record.message, record.kind ?? 'runtime', options);
  } else {
    error = new Error(record.message);
    error.name = record.name;
    if (record.errno !== undefined) (error as NodeJS.ErrnoException).code = record.errno;
  }
  if (record.stack !== undefined) error.stack = record.stack;
  return error;
}
