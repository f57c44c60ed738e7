import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export { REPO_ROOT, TINY_BERT } from '@senti/fixtures';

/**
 * Runs the real `senti` entry point (from source, through tsx) as a user would, without a TTY. `closeStdout` closes the
 * reading end of its stdout at once, as a pipe into `head` that has had enough does.
 */
export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    onStdout?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void;
    closeStdout?: boolean;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(CLI_DIR, 'src', 'main.ts'), ...args],
      {
        cwd: options.cwd ?? CLI_DIR,
        env: { ...process.env, CI: 'true', SENTI_OFFLINE: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    // As `| head -0` would: the reader is gone before the CLI writes anything, so its first write meets EPIPE.
    if (options.closeStdout) child.stdout.destroy();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, (signal = 'SIGKILL') => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
