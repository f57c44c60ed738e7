import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { applyConnectionLimit, DEFAULT_HTTP_LIMITS, httpLimitOptions } from './http-limits.js';
import { open } from './testing/raw-http.js';

describe('http limits', () => {
  it('maps the limits onto Node and fastify options, headers timeout never above the request timeout', () => {
    const options = httpLimitOptions({ headersTimeoutMs: 5000, requestTimeoutMs: 2000, maxHeaderBytes: 8192 });
    expect(options.http).toEqual({
      requireHostHeader: false,
      headersTimeout: 2000,
      maxHeaderSize: 8192,
      connectionsCheckingInterval: 500,
    });
    expect(options).toMatchObject({
      requestTimeout: 2000,
      keepAliveTimeout: DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs,
      onProtoPoisoning: 'remove',
      onConstructorPoisoning: 'remove',
    });
    expect(httpLimitOptions().http).toMatchObject({ headersTimeout: 10_000, connectionsCheckingInterval: 1000 });
  });

  it('logs refused connections as one summary line per window, not one per connection', async () => {
    const server = createHttpServer((_request, response) => response.end('ok'));
    const lines: { refused: number; maxConnections: number; message: string }[] = [];
    applyConnectionLimit(server, { maxConnections: 2 }, (details, message) => lines.push({ ...details, message }), 300);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sockets = await Promise.all(Array.from({ length: 10 }, () => open(port)));
    for (const socket of sockets) socket.on('error', () => {});
    // Bounded wait for the window to close.
    for (let i = 0; i < 40 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    expect(lines).toEqual([
      {
        refused: 8,
        maxConnections: 2,
        message: 'connection limit reached: refused 8 connections (see --max-connections)',
      },
    ]);
  });
});
