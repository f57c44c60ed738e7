import { Redis } from 'ioredis';
import { QueueError } from './queue-error.js';
import { parseRedisUrl, redactRedisUrl, type RedisConnectionOptions } from './redis-url.js';

/** Connection options for a long-lived BullMQ client: retries forever (waits for Redis to come back). */
export function persistentConnection(url: string): RedisConnectionOptions & { maxRetriesPerRequest: null } {
  return { ...parseRedisUrl(url), maxRetriesPerRequest: null };
}

/**
 * Connects once with a short timeout and no retries, and pings; throws a one-line QueueError naming the URL
 * (password hidden) when Redis cannot be reached or refuses the credentials.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const options = parseRedisUrl(url);
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await withTimeout(
      client.connect().then(() => client.ping()),
      timeoutMs + 500,
    );
  } catch (error) {
    const cause = lastError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(reason)) {
      throw new QueueError(
        'QUEUE_AUTH_FAILED',
        `Redis at ${redactRedisUrl(url)} refused the credentials (${reason}); put the password in the URL: redis://:PASSWORD@host:port`,
        'input',
        { cause },
      );
    }
    throw new QueueError(
      'QUEUE_UNREACHABLE',
      `cannot reach Redis at ${redactRedisUrl(url)} (${reason}); start redis-server there or pass another URL (\`queue\`)`,
      'input',
      { cause },
    );
  } finally {
    client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
