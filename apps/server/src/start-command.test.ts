// The documented start command (`pnpm --filter server start`) stops the server on SIGTERM: the signal reaches the
// server (the start script execs node, so no shell sits between pnpm and it), the server drains and exits, and no
// process is left holding the port.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestArtifact } from './testing/real-model.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await makeTestArtifact());
});
/** The server's process id once known, so a failed test never leaves an orphan behind. */
let serverPid: number | undefined;
afterAll(async () => {
  if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  await cleanup?.();
});

/** pnpm as this test was started with it (its CLI script), else the `pnpm` on PATH. */
function pnpmCommand(): { file: string; args: string[] } {
  const cli = process.env.npm_execpath;
  return cli !== undefined && /pnpm/.test(cli) ? { file: process.execPath, args: [cli] } : { file: 'pnpm', args: [] };
}

/** 'refused' when nothing listens on the port any more, else 'connected'. */
function probe(port: number): Promise<'refused' | 'connected'> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', () => resolve('refused'));
  });
}

/** Whether a process with this id still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('pnpm --filter server start', () => {
  it('stops the server on SIGTERM: port closed, no process left', async () => {
    const { file, args } = pnpmCommand();
    const child = spawn(
      file,
      [...args, '--filter', 'server', 'start', '--model-dir', dir, '--port', '0', '--device', 'cpu'],
      {
        cwd: REPO,
        env: { ...process.env, SENTI_OFFLINE: '1', INIT_CWD: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const streamsClosed = once(child, 'close'); // every holder of the pipes (pnpm and the server) has exited
    const listening = new Promise<{ pid: number; port: number }>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const line = stdout.split('\n').find((text) => text.includes('Server listening at'));
        if (line !== undefined) {
          const { pid, msg } = JSON.parse(line) as { pid: number; msg: string };
          resolve({ pid, port: Number(/:(\d+)$/.exec(msg)![1]) });
        }
      });
      child.once('exit', (code) => reject(new Error(`start exited early (${code}): ${stderr}`)));
    });
    const { pid, port } = await listening;
    serverPid = pid;
    expect(pid).not.toBe(child.pid); // the server is pnpm's child, not pnpm itself
    expect(await probe(port)).toBe('connected');

    child.kill('SIGTERM'); // what a supervisor sends to the command it started
    await streamsClosed;
    expect(stdout).toContain('shutting down');
    expect(await probe(port)).toBe('refused');
    expect(alive(pid)).toBe(false);
    expect(alive(child.pid!)).toBe(false);
  });
});
