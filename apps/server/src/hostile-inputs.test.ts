// The server's table of hostile inputs over real sockets on loopback: raw request -> status, code and message.
// Also the connection limits: slowloris, idle and half-open connections, keep-alive, a connection flood.
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SentiServer } from './app.js';
import { collect, exchange, open, rawRequest, type RawExchange } from './testing/raw-http.js';
import { fakeModel } from './testing/fake-model.js';
import { loadTestModel, makeTestArtifact, TEST_LABELS } from './testing/real-model.js';

const HTTP = {
  headersTimeoutMs: 1000,
  requestTimeoutMs: 2000,
  keepAliveTimeoutMs: 300,
  maxConnections: 50,
  maxHeaderBytes: 4096,
};
/** Slack for timers on a busy machine: a timeout must fire within its setting plus this. */
const SLACK_MS = 2500;

let server: SentiServer;
let port: number;
let cleanup: () => Promise<void>;
let artifactDir: string;

beforeAll(async () => {
  const artifact = await makeTestArtifact();
  cleanup = artifact.cleanup;
  artifactDir = artifact.dir;
  const model = await loadTestModel(artifact.dir);
  server = createServer({ loadModel: async () => model, maxTexts: 8, maxChars: 100, bodyLimit: 4096, http: HTTP });
  port = Number(new URL(await server.listen({ port: 0, host: '127.0.0.1' })).port);
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

/** A complete request with a JSON (or any) body and Connection: close. */
function request(
  body: string | Buffer,
  headers: Record<string, string> = {},
  method = 'POST',
  path = '/v1/predict',
): string | Buffer {
  const bytes = Buffer.from(body);
  const head = Object.entries({
    host: 'localhost',
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    connection: 'close',
    ...headers,
  })
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${head}\r\n`), bytes]);
}

interface Row {
  name: string;
  send: () => string | Buffer;
  status: number;
  /** Error code and message substring for error rows; for 200 rows, the number of predictions. */
  code?: string;
  message?: string;
  predictions?: number;
  /** Longest allowed message (client text must be cut, not echoed). */
  maxMessage?: number;
}

const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;

const rows: Row[] = [
  // Prototype keys are valid JSON (issue #12 item 11)
  {
    name: '__proto__ key beside texts',
    send: () => request('{"texts":["good"],"__proto__":{"isAdmin":true}}'),
    status: 200,
    predictions: 1,
  },
  {
    name: 'constructor.prototype key beside texts',
    send: () => request('{"texts":["good"],"constructor":{"prototype":{"x":1}}}'),
    status: 200,
    predictions: 1,
  },
  {
    name: 'only a __proto__ key',
    send: () => request('{"__proto__":{"texts":["x"]}}'),
    status: 400,
    code: 'SERVER_MISSING_FIELD',
    message: 'missing field "texts"',
  },
  {
    name: 'a text that is "__proto__"',
    send: () => request('{"texts":["__proto__","constructor"]}'),
    status: 200,
    predictions: 2,
  },
  {
    name: '__proto__ nested in texts',
    send: () => request('{"texts":[{"__proto__":"x"}]}'),
    status: 400,
    code: 'SERVER_INVALID_TYPE',
    message: 'texts[0] must be a string, got an object',
  },
  // Node's own 400s and 431 in the server's shape
  {
    name: 'headers larger than the limit',
    send: () => request('{"texts":["a"]}', { 'x-big': 'b'.repeat(8000) }),
    status: 431,
    code: 'SERVER_HEADERS_TOO_LARGE',
    message: '--max-header-bytes',
  },
  {
    name: 'URL longer than the header limit',
    send: () => request('', {}, 'GET', `/v1/model?${'q'.repeat(6000)}`),
    status: 431,
    code: 'SERVER_HEADERS_TOO_LARGE',
    message: 'request headers are larger',
  },
  {
    name: 'not HTTP at all',
    send: () => 'HELLO THERE\r\n\r\n',
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'unknown method',
    send: () => 'BREW /coffee HTTP/1.1\r\nhost: x\r\n\r\n',
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'control character in a header value',
    send: () => request('{"texts":["a"]}', { 'x-bad': 'a\x01b' }),
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'NUL in the request line',
    send: () => 'GET /v1/mo\0del HTTP/1.1\r\nhost: x\r\n\r\n',
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'Content-Length and Transfer-Encoding together',
    send: () => request('{"texts":["a"]}', { 'transfer-encoding': 'chunked' }),
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'Content-Length not a number',
    send: () => request('{"texts":["a"]}', { 'content-length': 'abc' }),
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'bad chunk size',
    send: () => request('zz\r\nabc\r\n0\r\n\r\n', { 'content-length': '', 'transfer-encoding': 'chunked' }),
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  {
    name: 'HTTP/2 preface on an HTTP/1.1 port',
    send: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'not valid HTTP/1.1',
  },
  // Bodies
  {
    name: 'body not JSON',
    send: () => request('texts=a'),
    status: 400,
    code: 'SERVER_INVALID_JSON',
    message: 'request body is not valid JSON',
  },
  {
    name: 'body cut short',
    send: () => request('{"texts":["a"'),
    status: 400,
    code: 'SERVER_INVALID_JSON',
    message: 'not valid JSON',
  },
  {
    name: 'empty JSON body',
    send: () => request(''),
    status: 400,
    code: 'SERVER_EMPTY_BODY',
    message: 'request body is empty',
  },
  {
    name: 'body larger than the limit',
    send: () => request(JSON.stringify({ texts: ['a'.repeat(5000)] })),
    status: 413,
    code: 'SERVER_BODY_TOO_LARGE',
    message: '--body-limit',
  },
  {
    name: 'text/plain body',
    send: () => request('{"texts":["a"]}', { 'content-type': 'text/plain' }),
    status: 415,
    code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    message: 'content-type "text/plain" is not supported',
  },
  {
    name: 'no content-type',
    send: () => request('{"texts":["a"]}', { 'content-type': '' }),
    status: 415,
    code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    message: 'content-type (none)',
  },
  {
    name: 'deeply nested arrays',
    send: () => request(deep),
    status: 400,
    code: 'SERVER_INVALID_TYPE',
    message: 'request body must be a JSON object',
  },
  {
    name: 'texts key given twice (last wins, as in JSON.parse)',
    send: () => request('{"texts":["a"],"texts":["b","c"]}'),
    status: 200,
    predictions: 2,
  },
  {
    name: 'texts with NUL, escape and lone surrogate characters',
    send: () => request('{"texts":["a\\u0000b","\\u001b[2J","\\ud800"]}'),
    status: 200,
    predictions: 3,
  },
  {
    name: 'a number among texts',
    send: () => request('{"texts":["a",1]}'),
    status: 400,
    code: 'SERVER_INVALID_TYPE',
    message: 'texts[1] must be a string, got a number',
  },
  {
    name: 'texts null',
    send: () => request('{"texts":null}'),
    status: 400,
    code: 'SERVER_INVALID_TYPE',
    message: 'texts must be an array of strings, got null',
  },
  {
    name: 'too many texts',
    send: () => request(JSON.stringify({ texts: Array(9).fill('a') })),
    status: 400,
    code: 'SERVER_TOO_MANY_TEXTS',
    message: 'at most 8',
  },
  {
    name: 'a text too long',
    send: () => request(JSON.stringify({ texts: ['x'.repeat(101)] })),
    status: 400,
    code: 'SERVER_TEXT_TOO_LONG',
    message: 'at most 100',
  },
  {
    name: 'JSON body with a UTF-8 BOM',
    send: () => request(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"texts":["a"]}')])),
    status: 200,
    predictions: 1,
  },
  // Abstention threshold of a request (issue #21)
  {
    name: 'abstainBelow above 1',
    send: () => request('{"texts":["a"],"abstainBelow":1.5}'),
    status: 400,
    code: 'SERVER_INVALID_REQUEST',
    message: 'abstainBelow must be a probability from 0 to 1, got',
  },
  {
    name: 'abstainBelow as a string',
    send: () => request('{"texts":["a"],"abstainBelow":"0.5"}'),
    status: 400,
    code: 'SERVER_INVALID_TYPE',
    message: 'abstainBelow',
  },
  {
    name: 'abstainBelow 1: every text abstains, still 200',
    send: () => request('{"texts":["a","b"],"abstainBelow":1}'),
    status: 200,
    predictions: 2,
  },
  {
    name: 'wrong method on the predict route: 405, not 404 (#28 item 31)',
    send: () => request('{"texts":["a"]}', {}, 'PUT'),
    status: 405,
    code: 'SERVER_METHOD_NOT_ALLOWED',
    message: 'PUT is not allowed on /v1/predict; use POST',
  },
  {
    name: 'DELETE on the model route: 405',
    send: () => request('', {}, 'DELETE', '/v1/model'),
    status: 405,
    code: 'SERVER_METHOD_NOT_ALLOWED',
    message: 'DELETE is not allowed on /v1/model; use GET',
  },
  {
    name: 'a gzip body is refused by name, not as "not valid JSON" (#28 item 31)',
    send: () => request(gzipSync('{"texts":["a"]}'), { 'content-encoding': 'gzip' }),
    status: 415,
    code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    message: 'content-encoding "gzip" is not supported',
  },
  {
    name: 'percent-encoded NUL in the path',
    send: () => request('', {}, 'GET', '/v1/mo%00del'),
    status: 404,
    code: 'SERVER_NOT_FOUND',
    message: 'no route GET /v1/mo%00del',
  },
  // HTTP edges (issue #23 item 4)
  {
    name: 'URL with bad percent-encoding',
    send: () => request('', {}, 'GET', '/v1/%zz'),
    status: 400,
    code: 'SERVER_INVALID_REQUEST',
    message: 'the URL /v1/%zz is not valid',
  },
  {
    name: 'HTTP/1.1 request without a Host header',
    send: () => 'GET /healthz HTTP/1.1\r\nconnection: close\r\n\r\n',
    status: 400,
    code: 'SERVER_BAD_HTTP',
    message: 'missing Host header',
  },
  {
    name: 'Expect header other than 100-continue',
    send: () => request('{"texts":["a"]}', { expect: 'x-magic' }),
    status: 417,
    code: 'SERVER_EXPECTATION_FAILED',
    message: 'Expect: x-magic is not supported',
  },
  {
    name: 'garbage pipelined after a valid request: the valid one still gets its answer',
    send: () =>
      Buffer.concat([
        Buffer.from(request('{"texts":["good"]}', { connection: 'keep-alive' })),
        Buffer.from('GARBAGE\r\n\r\n'),
      ]),
    status: 200,
    predictions: 1,
  },
  {
    name: 'control characters in an unknown key are escaped',
    send: () => request('{"texts":["a"],"k\\u0001\\u001b[2J":1}'),
    status: 400,
    code: 'SERVER_UNKNOWN_FIELD',
    message: 'unknown field "k',
  },
  {
    name: 'a 3,000-character unknown key is cut, not echoed',
    send: () => request(JSON.stringify({ texts: ['a'], ['k'.repeat(3000)]: 1 })),
    status: 400,
    code: 'SERVER_UNKNOWN_FIELD',
    message: `"${'k'.repeat(100)}..."`,
    maxMessage: 200,
  },
  {
    name: 'charset=iso-8859-1 is refused, not decoded as UTF-8',
    send: () =>
      request(Buffer.from('{"texts":["caf\xe9"]}', 'latin1'), {
        'content-type': 'application/json; charset=iso-8859-1',
      }),
    status: 415,
    code: 'SERVER_UNSUPPORTED_MEDIA_TYPE',
    message: 'charset "iso-8859-1" is not supported',
  },
  {
    name: 'invalid UTF-8 in the body: 400, not a 200 for U+FFFD (#28 item 31)',
    send: () => request(Buffer.concat([Buffer.from('{"texts":["caf'), Buffer.from([0xe9]), Buffer.from('"]}')])),
    status: 400,
    code: 'SERVER_INVALID_JSON',
    message: 'request body is not valid UTF-8',
  },
  {
    name: 'a 2-byte character split across chunks stays valid',
    send: () => request('{"texts":["café ☕ 😀"]}'),
    status: 200,
    predictions: 1,
  },
  {
    name: 'charset=utf-8 is accepted',
    send: () => request('{"texts":["café"]}', { 'content-type': 'application/json; charset=UTF-8' }),
    status: 200,
    predictions: 1,
  },
  {
    name: 'unknown route with bad JSON is 404, not 400',
    send: () => request('{{{', {}, 'POST', '/nope'),
    status: 404,
    code: 'SERVER_NOT_FOUND',
    message: 'no route POST /nope',
  },
];

/** Checks the documented error shape: exactly `{ error: { code, message[, field] } }`, one printable line. */
function expectErrorShape(result: RawExchange, code: string, message: string): void {
  const body = result.body as { error?: Record<string, unknown> };
  expect(result.headers['content-type']).toContain('application/json');
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error!).filter((key) => key !== 'field')).toEqual(['code', 'message']);
  expect(body.error!.code).toBe(code);
  expect(body.error!.message).toContain(message);
  expect(String(body.error!.message)).not.toMatch(/[\u0000-\u001f\u007f]/);
}

describe('hostile HTTP requests (table)', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const result = await exchange(port, row.send(), 5000);
    expect(result.status, JSON.stringify(result.body)).toBe(row.status);
    if (row.code !== undefined) {
      expectErrorShape(result, row.code, row.message!);
      const error = (result.body as { error: { message: string; field?: string } }).error;
      if (row.maxMessage !== undefined) expect(error.message.length).toBeLessThanOrEqual(row.maxMessage);
      expect(String(error.field ?? '')).not.toMatch(/[\u0000-\u001f\u007f]/);
    } else {
      const body = result.body as { predictions: { probabilities: Record<string, number> }[] };
      expect(body.predictions).toHaveLength(row.predictions!);
      expect(Object.keys(body.predictions[0]!.probabilities)).toEqual(TEST_LABELS);
    }
  });
});

describe('connection limits over real sockets', () => {
  it('at the connection limit, closes idle keep-alive connections so new clients get in', async () => {
    const fake = fakeModel();
    const small = createServer({
      loadModel: async () => fake.model,
      http: { ...HTTP, keepAliveTimeoutMs: 60_000, maxConnections: 3 },
    });
    const smallPort = Number(new URL(await small.listen({ port: 0, host: '127.0.0.1' })).port);
    await small.ready;
    // Three clients make a request each and keep their connections open, idle.
    const idle = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const socket = await open(smallPort);
        socket.on('error', () => {});
        const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
        const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
        socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
        await answered;
        return { socket, closed };
      }),
    );
    // A new client still gets in and is answered; an idle connection made room for it.
    const fresh = await exchange(
      smallPort,
      'GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n',
      10_000,
    );
    expect(fresh.status).toBe(200);
    await Promise.race(idle.map(({ closed }) => closed));
    for (const { socket } of idle) socket.destroy();
    await small.close();
  });

  it('cuts a slowloris client (one header byte every 0.5 s) with 408 soon after the headers timeout', async () => {
    const started = Date.now();
    const socket = await open(port);
    const result = collect(socket, started, HTTP.headersTimeoutMs + SLACK_MS + 2000);
    socket.write('POST /v1/predict HTTP/1.1\r\nhost: localhost\r\nx-slow: ');
    // Bounded: at most 20 bytes (10 s); stops as soon as the server closed the connection.
    for (let i = 0; i < 20 && !socket.destroyed && socket.writable; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      if (socket.writable) socket.write('a');
    }
    const outcome = await result;
    expect(outcome.closed).toBe(true);
    expect(outcome.ms).toBeLessThan(HTTP.headersTimeoutMs + SLACK_MS);
    expect(outcome.status).toBe(408);
    expectErrorShape(outcome, 'SERVER_REQUEST_TIMEOUT', 'not received in time');
  });

  it('cuts a client that sends headers and then too little body within the request timeout', async () => {
    const started = Date.now();
    const socket = await open(port);
    const result = collect(socket, started, HTTP.requestTimeoutMs + SLACK_MS + 2000);
    socket.write(
      'POST /v1/predict HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"texts":',
    );
    const outcome = await result;
    expect(outcome.closed).toBe(true);
    expect(outcome.ms).toBeLessThan(HTTP.requestTimeoutMs + SLACK_MS);
    expect(outcome.status).toBe(408);
  });

  it('answers a keep-alive client that stalls in its second request with 408, and keeps serving', async () => {
    // Between keep-alive requests Node has no response on the socket: the timeout handler once crashed the server here.
    const socket = await open(port);
    const raw: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => raw.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    const first = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
    await first;
    socket.write('POST /v1/predict HTTP/1.1\r\nhost: localhost\r\n'); // the second request's headers never end
    await closed;
    const text = Buffer.concat(raw).toString('utf8');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text).toContain('HTTP/1.1 408');
    expect(text).toContain('SERVER_REQUEST_TIMEOUT');
    const health = await exchange(port, 'GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
    expect(health.status).toBe(200);
  });

  it('answers garbage pipelined behind a valid request with 400 after the valid answer, then closes', async () => {
    const socket = await open(port);
    const raw: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => raw.push(chunk));
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      Buffer.concat([
        Buffer.from(request('{"texts":["good"]}', { connection: 'keep-alive' })),
        Buffer.from('GARBAGE\r\n\r\n'),
      ]),
    );
    await closed;
    const text = Buffer.concat(raw).toString('utf8');
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(text.indexOf('HTTP/1.1 400')).toBeGreaterThan(0);
    expect(text).toContain('SERVER_BAD_HTTP');
  });

  it('answers 12 requests pipelined on one connection without a MaxListenersExceededWarning (#28 item 31)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const socket = await open(port);
      const raw: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => raw.push(chunk));
      socket.on('error', () => {});
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      const requests = Array.from({ length: 12 }, (_, index) =>
        Buffer.from(request(`{"texts":["text ${index}"]}`, { connection: index === 11 ? 'close' : 'keep-alive' })),
      );
      socket.write(Buffer.concat(requests));
      await closed;
      expect(
        Buffer.concat(raw)
          .toString('utf8')
          .match(/HTTP\/1\.1 200/g),
      ).toHaveLength(12);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('closes a connection that never sends anything', async () => {
    const started = Date.now();
    const outcome = await collect(await open(port), started, HTTP.headersTimeoutMs + SLACK_MS + 2000);
    expect(outcome.closed).toBe(true);
    expect(outcome.ms).toBeLessThan(HTTP.headersTimeoutMs + SLACK_MS);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const started = Date.now();
    const socket = await open(port);
    const result = collect(socket, started, 5000);
    socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n');
    const outcome = await result;
    expect(outcome.status).toBe(200);
    expect(outcome.closed).toBe(true);
    expect(outcome.ms).toBeLessThan(HTTP.keepAliveTimeoutMs + SLACK_MS);
  });

  it('does not hold 500 half-open connections: beyond the limit they are refused unanswered, the rest cut with 408', async () => {
    const sockets: Socket[] = [];
    /** For each connection once closed: whether the server answered it (a 408) before closing. */
    const outcomes: ('refused' | 'answered')[] = [];
    await Promise.all(
      Array.from({ length: 500 }, async () => {
        const socket = await open(port).catch(() => undefined);
        if (!socket) {
          outcomes.push('refused');
          return;
        }
        sockets.push(socket);
        let answered = false;
        socket.on('error', () => {});
        socket.on('data', () => (answered = true)); // read what the server sends (a 408), so its close is seen
        socket.on('close', () => outcomes.push(answered ? 'answered' : 'refused'));
        socket.write('POST /v1/predict HTTP/1.1\r\nhost: localhost\r\n'); // headers never finished
      }),
    );
    // Bounded wait: until every connection is closed (the headers timeout cuts the admitted ones) or 30 s passed.
    for (let i = 0; i < 300 && outcomes.length < 500; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const socket of sockets) socket.destroy();
    expect(outcomes.length, 'no connection is held open').toBe(500);
    expect(
      outcomes.filter((outcome) => outcome === 'refused').length,
      'connections over --max-connections are refused',
    ).toBeGreaterThanOrEqual(500 - HTTP.maxConnections);
    // The server still answers afterwards.
    const health = await exchange(port, 'GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n');
    expect(health.status).toBe(200);
  });
});

describe('costly texts at the default limits (#28 item 28)', () => {
  let costly: SentiServer;
  let costlyPort: number;
  beforeAll(async () => {
    const model = await loadTestModel(artifactDir);
    costly = createServer({ loadModel: async () => model, http: HTTP });
    costlyPort = Number(new URL(await costly.listen({ port: 0, host: '127.0.0.1' })).port);
    await costly.ready;
  });
  afterAll(async () => {
    await costly?.close();
  });

  const words = 'the plot was thin but the acting saved it and the music was lovely ';
  const long = words.repeat(Math.ceil(10_000 / words.length)).slice(0, 10_000);
  const predict = async (texts: string[]) => {
    const result = await exchange(costlyPort, rawRequest(JSON.stringify({ texts }), { connection: 'close' }), 60_000);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return (result.body as { predictions: { probabilities: Record<string, number> }[] }).predictions;
  };

  it('32 texts of 10,000 characters: answered, each exactly like its start (cut before tokenizing, same tokens)', async () => {
    const answers = await predict(Array.from({ length: 32 }, () => long));
    expect(answers).toHaveLength(32);
    const [start] = await predict([long.slice(0, long.lastIndexOf(' ', 1_000))]); // far more than the model's 32 tokens
    for (const answer of answers) expect(answer.probabilities).toEqual(start!.probabilities);
  });

  it('a 10,000-character text without a space: answered (tokenized whole)', async () => {
    expect(await predict(['x'.repeat(10_000)])).toHaveLength(1);
  });
});
