export { SentiError, isSentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';
export { DataError, TokenizeError, ModelError, TrainError, MetricsError, UsageError, FileError } from './package-errors.js';
export { escapeControl, quote, quoteList } from './quote.js';
export type {
  CliErrorCode,
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
