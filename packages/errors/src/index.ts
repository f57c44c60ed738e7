export { SentiError, isSentiError, type ErrorKind, type SentiErrorOptions } from './senti-error.js';
export { DataError, TokenizeError, ModelError, TrainError, MetricsError, UsageError } from './package-errors.js';
export { escapeControl, quote, quoteList } from './quote.js';
export type { DataErrorCode, MetricsErrorCode, ModelErrorCode, TokenizeErrorCode, TrainErrorCode, UsageErrorCode } from './error-codes.js';
