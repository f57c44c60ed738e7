#!/usr/bin/env node
import { endQuietlyWhenOutputCloses } from './closed-output.js';
import { runSenti } from './run-senti.js';

// `pnpm --filter cli start` and the root `pnpm senti` script run elsewhere; paths on the command line are relative to
// where the user typed them.
if (process.env.INIT_CWD && ['start', 'senti'].includes(process.env.npm_lifecycle_event ?? '')) process.chdir(process.env.INIT_CWD);

endQuietlyWhenOutputCloses(process.stdout, process.stderr);

// Ctrl-C: a command that stops cleanly (train) gets an abort and ends with one line and exit 130; any other command,
// or a second Ctrl-C, ends the process at once with 130, as a shell expects of an interrupted command.
const interrupt = new AbortController();
let cancellable = false;
process.on('SIGINT', () => {
  if (!cancellable || interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});
process.exitCode = await runSenti(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: interrupt.signal, onCancellable: () => (cancellable = true),
});
