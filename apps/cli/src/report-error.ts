import { CommanderError } from 'commander';
import { isSentiError } from '@senti/errors';
import { cliMessage } from './cli-hints.js';

/** Exit codes: 0 success, 1 runtime or data problem, 2 usage mistake, 3 a quality gate not met, 130 interrupted (Ctrl-C). */
export const EXIT_CODES = { ok: 0, runtime: 1, usage: 2, qualityGate: 3, interrupted: 130 } as const;

/**
 * Prints an error the way a user should see it (one line; the stack only with --verbose) and returns the exit code.
 * `command`: how senti was started (`senti`, `pnpm --filter cli start`), for hints that name a command.
 */
export function reportError(
  error: unknown,
  verbose: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
  command = 'senti',
): number {
  if (error instanceof CommanderError) {
    // commander has already printed its one-line message (or the help text)
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  if (isSentiError(error)) {
    const { message, hint } = cliMessage(error, command);
    stderr.write(`senti: ${message}${hint ? ` (${hint})` : ''}\n`);
    if (verbose) writeStack(error, stderr);
    if (error.code === 'CLI_QUALITY_GATE') return EXIT_CODES.qualityGate;
    if (error.code === 'TRAIN_ABORTED') return EXIT_CODES.interrupted;
    return error.kind === 'usage' ? EXIT_CODES.usage : EXIT_CODES.runtime;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`senti: unexpected error: ${message.split('\n')[0]}\n`);
  if (verbose) writeStack(error, stderr);
  else stderr.write('  (run again with --verbose for the stack trace; please report it)\n');
  return EXIT_CODES.runtime;
}

function writeStack(error: unknown, stderr: NodeJS.WritableStream): void {
  let current: unknown = error;
  while (current instanceof Error) {
    stderr.write(`${current.stack ?? current.message}\n`);
    current = current.cause;
    if (current !== undefined) stderr.write('caused by: ');
  }
}
