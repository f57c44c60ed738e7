import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyHttpOptions } from 'fastify';
import { clientErrorReply, rawHttpResponse } from './error-reply.js';
import { SERVER_DEFAULTS } from './server-options.js';

/** Connection-level limits that keep slow or idle clients from holding the server (defaults: the server option table's). */
export interface HttpLimits {
  /** Longest time a client may take to send the request headers, in ms (slowloris guard). */
  headersTimeoutMs: number;
  /** Longest time a client may take to send a whole request (headers and body), in ms. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open after a response, in ms (see the server option table). */
  keepAliveTimeoutMs: number;
  /** Most open connections; further ones are closed right away. */
  maxConnections: number;
  /** Largest request head (request line + headers) in bytes; larger ones get 431. */
  maxHeaderBytes: number;
}

/** The limits used when none are given. */
export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = {
  headersTimeoutMs: SERVER_DEFAULTS.headersTimeoutMs,
  requestTimeoutMs: SERVER_DEFAULTS.requestTimeoutMs,
  keepAliveTimeoutMs: SERVER_DEFAULTS.keepAliveTimeoutMs,
  maxConnections: SERVER_DEFAULTS.maxConnections,
  maxHeaderBytes: SERVER_DEFAULTS.maxHeaderBytes,
};

/** How often Node checks connections against the header and request timeouts: a fraction of the shorter one. */
function checkingInterval(limits: HttpLimits): number {
  return Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

/** Answers a connection-level error (bad HTTP, headers too large, timeout) in the `{ error: { code, message } }` shape. */
export function handleClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // Node calls this outside any request: a throw here would be an uncaught exception that stops the whole server.
  try {
    answerClientError(error, socket);
  } catch {
    socket.destroy();
  }
}

/** The response a socket is writing, if any: Node sets `_httpMessage` to null between keep-alive requests. */
type InFlightResponse = {
  headersSent?: boolean;
  writableFinished?: boolean;
  req?: { complete?: boolean };
  once?: (event: string, listener: () => void) => void;
};

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, body } = clientErrorReply(error);
  const inFlight = (socket as Socket & { _httpMessage?: InFlightResponse | null })._httpMessage ?? undefined;
  // Nothing can be sent once a response started (e.g. a timeout in the middle of a reply): only close then.
  if (!socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  // A bad request pipelined behind a valid one: the valid one is answered first, then the error, then the close.
  // (The in-flight request was received whole, so the parser error is about what came after it.)
  if (
    inFlight !== undefined &&
    inFlight.req?.complete === true &&
    inFlight.writableFinished !== true &&
    inFlight.once !== undefined
  ) {
    inFlight.once('finish', () => handleClientError(error, socket));
    return;
  }
  // Close once the reply is flushed (end() alone waits for the client to close its side, which a slow client never does).
  socket.write(rawHttpResponse(status, body), () => socket.destroy());
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** The fastify options that apply the limits, answer client errors in the server's shape and accept `__proto__` keys. */
export function httpLimitOptions(
  given: Partial<HttpLimits> = {},
): Pick<
  FastifyHttpOptions<Server>,
  'http' | 'keepAliveTimeout' | 'requestTimeout' | 'clientErrorHandler' | 'onProtoPoisoning' | 'onConstructorPoisoning'
> {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...given };
  return {
    http: {
      requireHostHeader: false, // checked by the server, so the 400 has a body in the server's shape
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    clientErrorHandler: handleClientError,
    // `{"__proto__": ...}` is valid JSON: drop such keys (they can never be a field we read) instead of answering 400.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
  };
}

/** How often, at most, refused connections are logged (one summary line per window). */
const DROP_LOG_WINDOW_MS = 10_000;

/**
 * Caps the number of open connections: at the cap, the oldest idle keep-alive connection is closed to let a new one
 * in; when none is idle, the new connection is closed at once. `warn` gets one line
 * per 10 s window in which connections were refused (never one line per connection: a flood must not flood the log).
 */
export function applyConnectionLimit(
  server: Server,
  given: Partial<HttpLimits> = {},
  warn?: (details: { refused: number; maxConnections: number }, message: string) => void,
  windowMs = DROP_LOG_WINDOW_MS,
): void {
  const maxConnections = given.maxConnections ?? DEFAULT_HTTP_LIMITS.maxConnections;
  // Open connections, and among them those idle between keep-alive requests (oldest first in insertion order).
  const open = new Set<Socket>();
  const idle = new Set<Socket>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    idle.delete(request.socket);
    response.once('finish', () => {
      if (!request.socket.destroyed && open.has(request.socket)) idle.add(request.socket);
    });
  });
  let refused = 0;
  let timer: NodeJS.Timeout | undefined;
  const drop = () => {
    if (warn === undefined) return;
    refused += 1;
    timer ??= setTimeout(() => {
      warn(
        { refused, maxConnections },
        `connection limit reached: refused ${refused} connection${refused === 1 ? '' : 's'} (see --max-connections)`,
      );
      refused = 0;
      timer = undefined;
    }, windowMs).unref();
  };
  // At the limit, an idle keep-alive connection is closed to let the new client in; only when none is idle is the
  // new connection refused (so idle clients can never lock everyone out).
  server.on('connection', (socket: Socket) => {
    if (open.size >= maxConnections) {
      const oldestIdle = idle.values().next().value as Socket | undefined;
      if (oldestIdle === undefined) {
        socket.destroy();
        drop();
        return;
      }
      idle.delete(oldestIdle);
      open.delete(oldestIdle);
      oldestIdle.destroy();
    }
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      idle.delete(socket);
    });
  });
  server.on('close', () => clearTimeout(timer));
}
