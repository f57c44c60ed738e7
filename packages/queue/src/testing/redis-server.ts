import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

/** A throwaway Redis started by a test. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` (with the password when one was set). */
  url: string;
  port: number;
  process: ChildProcess;
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

/** Finds Debian's redis-server or says exactly how to get it; tests never skip for its absence. */
export function redisServerPath(): string {
  for (const candidate of [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'].filter(
    Boolean,
  ) as string[]) {
    if (spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  throw new Error(
    "redis-server not found: these tests need a real Redis; install Debian's redis-server (apt-get install -y redis-server), as .ci/run does, or set REDIS_SERVER",
  );
}

/** A free loopback TCP port (asked from the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The self-signed certificate (CN localhost) the TLS server uses; trust it with NODE_EXTRA_CA_CERTS. */
export const TEST_TLS_CERT = fileURLToPath(new URL('./tls/localhost-cert.pem', import.meta.url));
const TEST_TLS_KEY = fileURLToPath(new URL('./tls/localhost-key.pem', import.meta.url));

/**
 * Starts redis-server on a random loopback port without persistence; resolves once it answers PING. With `tls`,
 * it listens for TLS only (certificate {@link TEST_TLS_CERT}) and `url` is `rediss://localhost:PORT`.
 */
export async function startRedis(
  options: { password?: string; port?: number; tls?: boolean } = {},
): Promise<TestRedis> {
  const binary = redisServerPath();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'senti-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--loglevel',
    'warning',
  ];
  if (options.tls)
    args.splice(
      0,
      2,
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cert-file',
      TEST_TLS_CERT,
      '--tls-key-file',
      TEST_TLS_KEY,
      '--tls-ca-cert-file',
      TEST_TLS_CERT,
      '--tls-auth-clients',
      'no',
    );
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const scheme = options.tls ? 'rediss' : 'redis';
  const host = options.tls ? 'localhost' : '127.0.0.1';
  const url = `${scheme}://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}${host}:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${stderr.trim()}`);
    const client = new Redis({
      port,
      host: '127.0.0.1',
      password: options.password,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      ...(options.tls ? { tls: { rejectUnauthorized: false } } : {}),
    });
    client.on('error', () => {});
    const ok = await client
      .connect()
      .then(() => client.ping())
      .then(
        () => true,
        () => false,
      );
    client.disconnect();
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`redis-server on port ${port} did not answer within 10 s: ${stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
