// Load benchmark of @senti/server: starts the server as a child process on loopback, then runs autocannon
// with single-text and 32-text requests and prints requests/s, texts/s, p50/p99 latency and errors.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { SENTENCES } from './sentences.js';

const usage = `usage: pnpm --filter @senti/bench start -- server --model-dir DIR [options]
Starts senti-server from source on a free loopback port, waits for /readyz, runs autocannon against POST
/v1/predict (1 text per request, then 32), prints requests/s, texts/s, p50/p99 latency, errors; then SIGTERM.
  --model-dir DIR         model to serve (make one: make-model --encoder fixtures/tiny-bert --out DIR) (required)
  --duration S            seconds per scenario                                                               [30]
  --connections N         concurrent connections                                                            [100]
  --timeout S             autocannon's per-request timeout                                                   [10]
  --scenarios LIST        single,batch32 (or one of them)                                         [single,batch32]
  --max-batch-size N      passed to the server                                                               [32]
  --max-wait-ms N         passed to the server                                                                [5]
  --max-queue-ms N        passed to the server                                                             [5000]
While each scenario runs, GET /healthz is sent every 100 ms on a new connection: its p50/p99/max latency and the
probes unanswered within 2 s are reported (health under load: the model runs on its own thread).
  --log-level L           server log level (logs are discarded, but still produced)                        [info]
`;

/** `server` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, {
      'model-dir': { type: 'string' },
      duration: { type: 'string', default: '30' },
      connections: { type: 'string', default: '100' },
      timeout: { type: 'string', default: '10' },
      'max-batch-size': { type: 'string', default: '32' },
      'max-wait-ms': { type: 'string', default: '5' },
      'max-queue-ms': { type: 'string', default: '5000' },
      'log-level': { type: 'string', default: 'info' },
      scenarios: { type: 'string', default: 'single,batch32' },
    }, usage) as Record<string, string | undefined>;
    if (values['model-dir'] === undefined) {
      process.stderr.write(`server needs --model-dir DIR\n\n${usage}`);
      process.exit(2);
    }
    await benchServer(values as unknown as ServerOptions);
  },
};

interface ServerOptions {
  'model-dir': string;
  duration: string;
  connections: string;
  timeout: string;
  'max-batch-size': string;
  'max-wait-ms': string;
  'max-queue-ms': string;
  'log-level': string;
  scenarios: string;
}

/** A free loopback port (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Starts `senti-server` from source and waits until /readyz answers 200. */
async function startServer(port: number, modelDir: string, options: ServerOptions): Promise<ChildProcess> {
  const main = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/server/src/main.ts');
  const child = spawn(process.execPath, [
    '--conditions=source', '--import', 'tsx', main, '--model-dir', modelDir, '--port', String(port),
    '--max-batch-size', options['max-batch-size'], '--max-wait-ms', options['max-wait-ms'], '--max-queue-ms', options['max-queue-ms'], '--log-level', options['log-level'],
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill('SIGTERM');
  throw new Error('server did not become ready within 120 s');
}

/** One GET /healthz on a new connection: its latency in ms, or undefined when unanswered within 2 s. */
function probeHealth(port: number): Promise<number | undefined> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 2000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200 ? performance.now() - started : undefined));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

/** Probes /healthz every 100 ms until `stop` is called; resolves with p50/p99/max latency and unanswered probes. */
function watchHealth(port: number): () => Promise<{ healthP50Ms: number; healthP99Ms: number; healthMaxMs: number; healthUnanswered: number }> {
  const probes: Promise<number | undefined>[] = [];
  const timer = setInterval(() => probes.push(probeHealth(port)), 100);
  return async () => {
    clearInterval(timer);
    const results = await Promise.all(probes);
    const answered = results.filter((ms): ms is number => ms !== undefined).sort((a, b) => a - b);
    const at = (q: number) => (answered.length === 0 ? Number.NaN : Math.round(answered[Math.min(answered.length - 1, Math.floor(q * answered.length))]! * 10) / 10);
    return { healthP50Ms: at(0.5), healthP99Ms: at(0.99), healthMaxMs: at(1), healthUnanswered: results.length - answered.length };
  };
}

/** Runs one autocannon scenario: every request carries `textsPerRequest` texts, rotating through SENTENCES. */
async function scenario(port: number, name: string, textsPerRequest: number, options: ServerOptions) {
  let next = 0;
  const stopHealth = watchHealth(port);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/predict`,
    connections: Number(options.connections),
    duration: Number(options.duration),
    timeout: Number(options.timeout),
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        const texts = Array.from({ length: textsPerRequest }, () => SENTENCES[(next++) % SENTENCES.length]!);
        return { ...request, body: JSON.stringify({ texts }) };
      },
    }],
  });
  const requestsPerSecond = result.requests.average;
  const health = await stopHealth();
  return {
    scenario: name,
    textsPerRequest,
    requestsPerSecond: Math.round(requestsPerSecond * 10) / 10,
    textsPerSecond: Math.round(requestsPerSecond * textsPerRequest),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ...health,
  };
}

const SCENARIOS: Record<string, number> = { single: 1, batch32: 32 };

async function benchServer(options: ServerOptions): Promise<void> {
  const modelDir = userPath(options['model-dir']);
  const names = options.scenarios.split(',');
  const unknown = names.filter((name) => !Object.hasOwn(SCENARIOS, name));
  if (unknown.length > 0) throw new Error(`unknown scenario "${unknown[0]}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const port = await freePort();
  const server = await startServer(port, modelDir, options);
  try {
    console.log(`model ${modelDir}; ${options.connections} connections, ${options.duration} s per scenario, ${options.timeout} s request timeout, max batch ${options['max-batch-size']}, max wait ${options['max-wait-ms']} ms, max queue ${options['max-queue-ms']} ms`);
    const rows = [];
    for (const name of names) rows.push(await scenario(port, name, SCENARIOS[name]!, options));
    console.table(rows);
    console.log(JSON.stringify(rows));
  } finally {
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    console.log(`server exited with code ${code} after SIGTERM`);
  }
}
