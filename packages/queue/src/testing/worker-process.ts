import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunWorkerOptions, WorkerEvent } from '../run-worker.js';

const MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** A worker running in its own Node process, its events parsed from its stdout. */
export interface WorkerProcess {
  child: ChildProcess;
  events: WorkerEvent[];
  stderr: () => string;
  /** Resolves with the first event (already seen or still to come) that matches. */
  waitFor(match: (event: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Spawns `runWorker` in a new process (through tsx, from source). */
export function spawnWorker(
  options: Omit<RunWorkerOptions, 'onEvent'>,
  env: Record<string, string> = {},
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', MAIN, JSON.stringify(options)], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, SENTI_OFFLINE: '1', SENTI_THREADS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const waiters: { match: (event: WorkerEvent) => boolean; resolve: (event: WorkerEvent) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as WorkerEvent;
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.match(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    waitFor(match, timeoutMs = 30_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `worker ${child.pid}: no matching event within ${timeoutMs} ms; events: ${JSON.stringify(events)}; stderr: ${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
  };
}
