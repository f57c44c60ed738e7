export { SentiError, errorFamily, isSentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';
export {
  DataError,
  TokenizeError,
  ModelError,
  TrainError,
  MetricsError,
  UsageError,
  FileError,
  QueueError,
} from './package-errors.js';
export {
  fromErrorRecord,
  isErrorRecord,
  toErrorRecord,
  type ErrorDetails,
  type ErrorFamily,
  type ErrorFamilyCodes,
  type ErrorRecord,
  type PlainErrorRecord,
  type SentiErrorRecord,
} from './error-record.js';
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
