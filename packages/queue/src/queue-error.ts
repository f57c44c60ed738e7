import { SentiError, type ErrorKind, type QueueErrorCode, type SentiErrorOptions } from '@senti/errors';

/** Distributed-encoding problems: Redis unreachable or misconfigured, chunks refused or failed, a store not shared. */
export class QueueError extends SentiError<QueueErrorCode> {
  constructor(code: QueueErrorCode, message: string, kind: ErrorKind = 'input', options: SentiErrorOptions = {}) {
    super(code, message, kind, options);
  }
}
