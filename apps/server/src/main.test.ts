// The senti-server command as a process: startup errors, and SIGTERM with a real model.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestArtifact } from './testing/real-model.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Starts main.ts from source; collects its output. */
function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, INIT_CWD: '', SENTI_OFFLINE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output, exited };
}

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTestArtifact());
});

afterAll(async () => {
  await cleanup?.();
});

describe('senti-server command', () => {
  it('prints one line and exits non-zero for a missing model dir', async () => {
    const { output, exited } = start(['--model-dir', '/nonexistent/run-42']);
    expect(await exited).toBe(1);
    const lines = output.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^senti-server: .*\/nonexistent\/run-42/);
  });

  it('prints one line and exits 2 for a bad port, with a stack only under --verbose', async () => {
    const plain = start(['--model-dir', dir, '--port', 'eighty']);
    expect(await plain.exited).toBe(2);
    expect(plain.output.stderr).toBe('senti-server: --port must be an integer from 0 to 65535, got "eighty"\n');
    const verbose = start(['--model-dir', dir, '--port', '99999', '--verbose']);
    expect(await verbose.exited).toBe(2);
    expect(verbose.output.stderr).toMatch(/^senti-server: --port must be an integer from 0 to 65535, got "99999"\n/);
    expect(verbose.output.stderr).toMatch(/\n\s+at /);
  });

  it('serves, and on SIGTERM drains and exits 0', async () => {
    const { child, output, exited } = start([
      '--model-dir',
      dir,
      '--port',
      '0',
      '--log-level',
      'info',
      '--device',
      'cpu',
    ]);
    let base: string | undefined;
    while (base === undefined) {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (match) base = match[1];
      else if (child.exitCode !== null) throw new Error(`server exited early: ${output.stderr}`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    while ((await fetch(`${base}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"texts":["great"]}',
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logs = output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; req?: unknown; responseTime?: number });
    expect(logs.some((log) => log.msg === 'request completed' && typeof log.responseTime === 'number')).toBe(true);
    expect(logs.some((log) => log.msg.startsWith('shutting down'))).toBe(true);
    expect(output.stderr).not.toMatch(/error/i);
  });

  it('--port 0 --log-level warn still prints the address; SIGTERM right away (model still loading) exits 0 without a stack (#28 items 29, 31)', async () => {
    const { child, output, exited } = start([
      '--model-dir',
      dir,
      '--port',
      '0',
      '--log-level',
      'warn',
      '--device',
      'cpu',
    ]);
    while (!/listening on http:\/\/127\.0\.0\.1:\d+/.test(output.stderr)) {
      if (child.exitCode !== null) throw new Error(`server exited early: ${output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGTERM');
    expect(await exited, output.stdout + output.stderr).toBe(0);
    expect(output.stderr).toMatch(/^senti-server: listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it('a port in use: one line naming it, exit 1, no stack (#28 item 29)', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { output, exited } = start([
        '--model-dir',
        dir,
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--device',
        'cpu',
      ]);
      expect(await exited).toBe(1);
      expect(output.stderr).toBe(`senti-server: 127.0.0.1:${port} is already in use; pick another port with --port\n`);
    } finally {
      blocker.close();
    }
  });

  it('--health-port: prints where probes are answered; a health port in use is one line naming --health-port, exit 1 (#28 item 25)', async () => {
    const served = start([
      '--model-dir',
      dir,
      '--port',
      '0',
      '--health-port',
      '0',
      '--log-level',
      'warn',
      '--device',
      'cpu',
    ]);
    let health: string | undefined;
    while (health === undefined) {
      const match = /also on (http:\/\/127\.0\.0\.1:\d+)/.exec(served.output.stderr);
      if (match) health = match[1];
      else if (served.child.exitCode !== null) throw new Error(`server exited early: ${served.output.stderr}`);
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await (await fetch(`${health}/healthz`)).json()).toEqual({ status: 'ok' });
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);

    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { output, exited } = start([
        '--model-dir',
        dir,
        '--port',
        '0',
        '--health-port',
        String(port),
        '--device',
        'cpu',
      ]);
      expect(await exited).toBe(1);
      expect(output.stderr).toBe(
        `senti-server: 127.0.0.1:${port} is already in use; pick another port with --health-port\n`,
      );
    } finally {
      blocker.close();
    }
  });

  it('on SIGTERM, /readyz answers 503 for the drain delay while predictions are still served, then it exits 0 (#28 item 30)', async () => {
    const { child, output, exited } = start([
      '--model-dir',
      dir,
      '--port',
      '0',
      '--log-level',
      'info',
      '--device',
      'cpu',
      '--drain-delay-ms',
      '4000',
    ]);
    let base: string | undefined;
    while (base === undefined) {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout);
      if (match) base = match[1];
      else if (child.exitCode !== null) throw new Error(`server exited early: ${output.stderr}`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    while ((await fetch(`${base}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    while ((await fetch(`${base}/readyz`)).status !== 503) await new Promise((resolve) => setTimeout(resolve, 20));
    const response = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"texts":["great"]}',
    });
    expect(response.status).toBe(200);
    expect(await exited).toBe(0);
  });

  it('an unknown --host: one line naming it, exit 1, no "model is shutting down" stack (#28 item 29)', async () => {
    const { output, exited } = start([
      '--model-dir',
      dir,
      '--port',
      '0',
      '--host',
      'nosuchhost.invalid',
      '--device',
      'cpu',
    ]);
    expect(await exited).toBe(1);
    expect(output.stderr).toBe('senti-server: cannot listen on nosuchhost.invalid:0: unknown host; check --host\n');
  });
});
