// A raw TCP client for tests that need what fetch cannot send: malformed HTTP, slow bytes, half-open connections.
import { connect, type Socket } from 'node:net';

/** What came back on one connection. */
export interface RawExchange {
  /** Status of the first response, or undefined when none arrived. */
  status: number | undefined;
  headers: Record<string, string>;
  /** Body of the first response (parsed as JSON when it is JSON). */
  body: unknown;
  /** True when the server closed the connection before `waitMs` ran out. */
  closed: boolean;
  /** Milliseconds from connecting until the server closed it (or until giving up). */
  ms: number;
}

/** Opens a connection and resolves once it is connected. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Waits for the server to close `socket` (or `waitMs` to pass) and parses the first response in what it sent. */
export function collect(socket: Socket, started: number, waitMs: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
  });
}

/** Sends `request` as is and waits up to `waitMs` for the server to answer and close (or keep) the connection. */
export async function exchange(port: number, request: string | Buffer, waitMs = 2000): Promise<RawExchange> {
  const started = Date.now();
  const socket = await open(port);
  const result = collect(socket, started, waitMs);
  socket.write(request);
  return result;
}

function parseResponse(raw: Buffer): Pick<RawExchange, 'status' | 'headers' | 'body'> {
  const text = raw.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || end === -1) return { status: undefined, headers: {}, body: undefined };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? Number.NaN);
  const bodyText = Number.isFinite(length)
    ? raw
        .subarray(Buffer.byteLength(text.slice(0, end + 4)), Buffer.byteLength(text.slice(0, end + 4)) + length)
        .toString('utf8')
    : text.slice(end + 4);
  let body: unknown = bodyText;
  try {
    body = JSON.parse(bodyText);
  } catch {
    // not JSON: keep the text
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, body };
}

/** Every complete response in what a connection received, in order (bodies read by Content-Length). */
export function parseResponses(raw: Buffer): Pick<RawExchange, 'status' | 'headers' | 'body'>[] {
  const responses: Pick<RawExchange, 'status' | 'headers' | 'body'>[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1 || !rest.subarray(0, 9).equals(Buffer.from('HTTP/1.1 '))) return responses;
    const head = rest.subarray(0, end).toString('utf8');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (rest.length < end + 4 + length) return responses;
    responses.push(parseResponse(rest.subarray(0, end + 4 + length)));
    rest = rest.subarray(end + 4 + length);
  }
}

/** A raw HTTP/1.1 request with a body (Host, Content-Type and Content-Length filled in; `headers` override or add). */
export function rawRequest(
  body: string,
  headers: Record<string, string> = {},
  method = 'POST',
  path = '/v1/predict',
): Buffer {
  const bytes = Buffer.from(body);
  const head = Object.entries({
    host: 'localhost',
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...headers,
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${head}\r\n`), bytes]);
}
