import type { DataErrorCode, MetricsErrorCode, ModelErrorCode, TokenizeErrorCode, TrainErrorCode, UsageErrorCode } from './error-codes.js';
import { SentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';

/** Bad or unreadable data files: missing columns, empty files, classes too small to split. */
export class DataError extends SentiError<DataErrorCode> {}

/** Tokenizer loading and encoding problems. */
export class TokenizeError extends SentiError<TokenizeErrorCode> {}

/** Encoder, head, backend, cache and model-artifact problems. */
export class ModelError extends SentiError<ModelErrorCode> {}

/** Training problems: bad options, checkpoints that do not match. */
export class TrainError extends SentiError<TrainErrorCode> {}

/** Metric inputs that do not fit together. */
export class MetricsError extends SentiError<MetricsErrorCode> {}

/** Invalid command-line usage or option values. */
export class UsageError extends SentiError<UsageErrorCode> {
  constructor(code: UsageErrorCode, message: string, options: SentiErrorOptions = {}) {
    super(code, message, 'usage', options);
  }
}

export type { ErrorKind };
