import type { Queue } from 'bullmq';
import { QueueError } from './queue-error.js';
import { redactRedisUrl } from './redis-url.js';

/** Watches a BullMQ client's connection: `lost` rejects once Redis has been unreachable for `boundMs` in a row. */
export interface RedisLostWatch {
  /** Rejects with `QUEUE_REDIS_LOST` after `boundMs` without Redis; never resolves. */
  lost: Promise<never>;
  /** True once `lost` has rejected (the client should then be disconnected, not closed: closing waits for Redis). */
  readonly gone: boolean;
  /** Stops watching. */
  stop(): void;
}

/**
 * Takes a queue's connection errors (so they are not printed as raw stack traces, one per reconnect) and turns an
 * outage longer than `boundMs` into one error naming the URL and the last reason; a reconnect resets the clock.
 * Call it right after constructing the queue (its first connection counts as an outage until it is ready).
 */
export function watchRedisLost(queue: Queue, url: string, boundMs: number, what: string): RedisLostWatch {
  let timer: NodeJS.Timeout | undefined;
  let gone = false;
  let lastReason = '';
  let reject: (error: Error) => void = () => {};
  const lost = new Promise<never>((_, fail) => (reject = fail));
  lost.catch(() => {}); // read by whoever races it
  const onError = (error: Error) => {
    lastReason = error.message;
    timer ??= setTimeout(() => {
      gone = true;
      reject(
        new QueueError(
          'QUEUE_REDIS_LOST',
          `lost Redis at ${redactRedisUrl(url)} (${lastReason}) for ${Math.round(boundMs / 1000)} s while ${what}; chunks already queued stay there for the workers: run the same command again once Redis is back (finished chunks are reused)`,
          'runtime',
        ),
      );
    }, boundMs);
  };
  const onReady = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  queue.on('error', onError);
  // Armed until the first `ready` too: a Redis that dies before the connection is up sends no error to the queue.
  onError(new Error('no connection yet'));
  // The backend re-emits its connection's `ready` after each reconnect.
  const backend = queue.backend as unknown as {
    on(event: 'ready', listener: () => void): void;
    off(event: 'ready', listener: () => void): void;
  };
  backend.on('ready', onReady);
  return {
    lost,
    get gone() {
      return gone;
    },
    stop() {
      clearTimeout(timer);
      queue.off('error', onError);
      backend.off('ready', onReady);
    },
  };
}
