import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';

describe('parseRedisUrl', () => {
  it('reads host, port and database, with defaults', () => {
    expect(parseRedisUrl('redis://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://queue.internal:6380/3')).toEqual({ host: 'queue.internal', port: 6380, db: 3 });
  });

  it('reads a password alone and a user with a password, percent-decoded', () => {
    expect(parseRedisUrl('redis://:s3cr%40t@localhost:7000')).toEqual({
      host: 'localhost',
      port: 7000,
      db: 0,
      password: 's3cr@t',
    });
    expect(parseRedisUrl('redis://worker:pa%3Ass@localhost/1')).toEqual({
      host: 'localhost',
      port: 6379,
      db: 1,
      username: 'worker',
      password: 'pa:ss',
    });
  });

  it('turns rediss:// into TLS with the host name checked', () => {
    expect(parseRedisUrl('rediss://default:pw@cache.example.com:6380')).toEqual({
      host: 'cache.example.com',
      port: 6380,
      db: 0,
      username: 'default',
      password: 'pw',
      tls: { servername: 'cache.example.com' },
    });
    expect(parseRedisUrl('rediss://cache.example.com?tls_insecure=1').tls).toEqual({
      servername: 'cache.example.com',
      rejectUnauthorized: false,
    });
  });

  it('reads IPv6 hosts', () => {
    expect(parseRedisUrl('redis://[::1]:6390')).toEqual({ host: '::1', port: 6390, db: 0 });
  });

  it('refuses other schemes, bad databases and non-URLs with one line that hides the password', () => {
    expect(() => parseRedisUrl('http://localhost:6379')).toThrow(/scheme "http" is not redis or rediss/);
    expect(() => parseRedisUrl('redis://:secret@localhost/queue')).toThrow(
      /Redis URL redis:\/\/:\*\*\*@localhost\/queue: database "queue" is not a number/,
    );
    expect(() => parseRedisUrl('localhost:6379')).toThrow(expect.objectContaining({ code: 'QUEUE_BAD_URL' }));
    expect(() => parseRedisUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('rediss://user:hunter2@host:6380/2')).toBe('rediss://user:***@host:6380/2');
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
