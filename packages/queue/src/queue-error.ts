import { SentiError, type ErrorKind, type SentiErrorOptions } from '@senti/errors';

/** Every code a {@link QueueError} carries. */
export type QueueErrorCode =
  | 'QUEUE_BAD_URL'
  | 'QUEUE_UNREACHABLE'
  | 'QUEUE_AUTH_FAILED'
  | 'QUEUE_BAD_OPTION'
  | 'QUEUE_BAD_MAX_LENGTH'
  | 'QUEUE_MODEL_MISMATCH'
  | 'QUEUE_STORE_NOT_SHARED'
  | 'QUEUE_CHUNKS_FAILED'
  | 'QUEUE_NO_WORKERS';

/** Distributed-encoding problems: Redis unreachable or misconfigured, chunks refused or failed, a store not shared. */
export class QueueError extends SentiError<QueueErrorCode> {
  constructor(code: QueueErrorCode, message: string, kind: ErrorKind = 'input', options: SentiErrorOptions = {}) {
    super(code, message, kind, options);
  }
}
