import { SentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';

/** Bad or unreadable data files: missing columns, empty files, classes too small to split. */
export class DataError extends SentiError {}

/** Tokenizer loading and encoding problems. */
export class TokenizeError extends SentiError {}

/** Encoder, head, backend, cache and model-artifact problems. */
export class ModelError extends SentiError {}

/** Training problems: bad options, checkpoints that do not match. */
export class TrainError extends SentiError {}

/** Metric inputs that do not fit together. */
export class MetricsError extends SentiError {}

/** Invalid command-line usage or option values. */
export class UsageError extends SentiError {
  constructor(code: string, message: string, options: SentiErrorOptions = {}) {
    super(code, message, 'usage', options);
  }
}

export type { ErrorKind };
