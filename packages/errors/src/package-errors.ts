import type {
  DataErrorCode,
  FileErrorCode,
  MetricsErrorCode,
  ModelErrorCode,
  QueueErrorCode,
  TokenizeErrorCode,
  TrainErrorCode,
  UsageErrorCode,
} from './error-codes.js';
import { SentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';

/** Bad or unreadable data files: missing columns, empty files, classes too small to split. */
export class DataError extends SentiError<DataErrorCode> {
  static override readonly family: string = 'DataError';
}

/** Tokenizer loading and encoding problems. */
export class TokenizeError extends SentiError<TokenizeErrorCode> {
  static override readonly family: string = 'TokenizeError';
}

/** Encoder, head, backend, cache and model-artifact problems. */
export class ModelError extends SentiError<ModelErrorCode> {
  static override readonly family: string = 'ModelError';
}

/** Training problems: bad options, checkpoints that do not match. */
export class TrainError extends SentiError<TrainErrorCode> {
  static override readonly family: string = 'TrainError';
}

/** Metric inputs that do not fit together. */
export class MetricsError extends SentiError<MetricsErrorCode> {
  static override readonly family: string = 'MetricsError';
}

/** Invalid command-line usage or option values. */
export class UsageError extends SentiError<UsageErrorCode> {
  static override readonly family: string = 'UsageError';

  constructor(code: UsageErrorCode, message: string, options: SentiErrorOptions = {}) {
    super(code, message, 'usage', options);
  }
}

/**
 * A file or directory that could not be written or read, by reason (disk full, read-only file system, permission
 * denied, ...). `path` is the file the caller asked for (never a temp name); the message is one line naming it.
 */
export class FileError extends SentiError<FileErrorCode> {
  static override readonly family: string = 'FileError';

  /** The file or directory the operation was for. */
  readonly path: string;

  constructor(
    code: FileErrorCode,
    message: string,
    path: string,
    kind: ErrorKind = 'runtime',
    options: SentiErrorOptions = {},
  ) {
    super(code, message, kind, options);
    this.path = path;
  }
}

/**
 * Distributed-encoding problems (@senti/queue): Redis unreachable or misconfigured, chunks refused or failed, a store
 * not shared. Here rather than in @senti/queue so that an error record of this family rebuilds to this class.
 */
export class QueueError extends SentiError<QueueErrorCode> {
  static override readonly family: string = 'QueueError';
}

export type { ErrorKind };
