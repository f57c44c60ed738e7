import { TrainError } from '@senti/errors';

/**
 * Throws a `TRAIN_ABORTED` TrainError when `signal` has aborted: the one way a senti job (fine-tuning, a sweep, an
 * encode or audit job) stops on request. Call it between units of work that leave nothing half-written.
 */
export function throwIfAborted(signal: AbortSignal | undefined, job = 'training'): void {
  if (signal?.aborted === true) {
    throw new TrainError('TRAIN_ABORTED', `${job} was cancelled`, 'runtime', { cause: signal.reason });
  }
}
