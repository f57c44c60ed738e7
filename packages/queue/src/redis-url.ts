import { QueueError } from './queue-error.js';

/** ioredis / BullMQ connection options read from a Redis URL. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** ACL user (Redis 6+), when the URL names one. */
  username?: string;
  password?: string;
  /** Database number from the path (`/2`); default 0. */
  db: number;
  /** Present for `rediss://`: TLS with the host name checked against the certificate. */
  tls?: { servername: string; rejectUnauthorized?: boolean };
}

/**
 * Parses `redis://[user][:password@]host[:port][/db]` or `rediss://...` (TLS). `?tls_insecure=1` skips certificate
 * checks (self-signed test servers only). Anything else is a usage error naming the input.
 */
export function parseRedisUrl(url: string): RedisConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badUrl(url, 'not a URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw badUrl(url, `scheme "${parsed.protocol.replace(/:$/, '')}" is not redis or rediss`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw badUrl(url, 'no host');
  const port = parsed.port ? Number(parsed.port) : 6379;
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) throw badUrl(url, `database "${dbText}" is not a number`);
  const options: RedisConnectionOptions = { host, port, db: dbText === '' ? 0 : Number(dbText) };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.protocol === 'rediss:') {
    options.tls = { servername: host };
    if (['1', 'true'].includes(parsed.searchParams.get('tls_insecure') ?? '')) options.tls.rejectUnauthorized = false;
  }
  return options;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

function badUrl(url: string, problem: string): QueueError {
  return new QueueError(
    'QUEUE_BAD_URL',
    `Redis URL ${redactRedisUrl(url)}: ${problem}; expected redis://[user:password@]host[:port][/db] or rediss://... for TLS`,
    'usage',
  );
}
