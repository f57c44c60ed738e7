// Load benchmark of @senti/server: starts the server as a child process on loopback, then runs autocannon
// with single-text and 32-text requests and prints requests/s, texts/s, p50/p99 latency and errors.
// Usage: pnpm --filter @senti/bench-server start --model-dir DIR [--duration 30] [--connections 100] [--timeout 10 (s, per request)]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { SENTENCES } from './sentences.js';

const { values } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
    timeout: { type: 'string', default: '10' },
    'max-batch-size': { type: 'string', default: '32' },
    'max-wait-ms': { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'info' },
    scenarios: { type: 'string', default: 'single,batch32' },
  },
});
if (values['model-dir'] === undefined) {
  process.stderr.write('usage: bench-server --model-dir DIR [--duration 30] [--connections 100] [--timeout 10] [--scenarios single,batch32]\n');
  process.exit(2);
}
const modelDir = resolve(process.env.INIT_CWD || process.cwd(), values['model-dir']);
const duration = Number(values.duration);
const connections = Number(values.connections);

/** A free loopback port (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** Starts `senti-server` from source and waits until /readyz answers 200. */
async function startServer(port: number): Promise<ChildProcess> {
  const main = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/server/src/main.ts');
  const child = spawn(process.execPath, [
    '--conditions=source', '--import', 'tsx', main, '--model-dir', modelDir, '--port', String(port),
    '--max-batch-size', values['max-batch-size'], '--max-wait-ms', values['max-wait-ms'], '--log-level', values['log-level'],
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

/** Runs one autocannon scenario: every request carries `textsPerRequest` texts, rotating through SENTENCES. */
async function run(port: number, name: string, textsPerRequest: number) {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/predict`,
    connections,
    duration,
    timeout: Number(values.timeout),
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
  };
}

const port = await freePort();
const server = await startServer(port);
const scenarios: Record<string, number> = { single: 1, batch32: 32 };
try {
  process.stdout.write(`model ${modelDir}; ${connections} connections, ${duration} s per scenario, ${values.timeout} s request timeout, max batch ${values['max-batch-size']}, max wait ${values['max-wait-ms']} ms\n`);
  const rows = [];
  for (const name of values.scenarios.split(',')) {
    const texts = scenarios[name];
    if (texts === undefined) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
    rows.push(await run(port, name, texts));
  }
  console.table(rows);
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} finally {
  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  process.stdout.write(`server exited with code ${code} after SIGTERM\n`);
}
