import { spawn } from 'node:child_process';

/** How a child process ended, what it printed and how long it took. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a command to completion, capturing its output, with a wall-clock limit. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutSeconds?: number } = {},
): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = options.timeoutSeconds
      ? setTimeout(() => child.kill('SIGKILL'), options.timeoutSeconds * 1000)
      : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}
