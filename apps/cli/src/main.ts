#!/usr/bin/env node
// First, before any module loads a copy of tfjs (see quiet-tfjs.ts).
import './quiet-tfjs.js';
import { endQuietlyWhenOutputCloses } from './closed-output.js';
import { runSenti } from './run-senti.js';

// `pnpm --filter cli start` and the root `pnpm senti` script run elsewhere; paths on the command line are relative to
// where the user typed them.
if (process.env.INIT_CWD && ['start', 'senti'].includes(process.env.npm_lifecycle_event ?? ''))
  process.chdir(process.env.INIT_CWD);

endQuietlyWhenOutputCloses(process.stdout, process.stderr);

// Ctrl-C, SIGTERM and SIGHUP alike: a command that stops cleanly (train, sweep, k-fold, audit, encode, worker) gets an
// abort and ends with one line (checkpoints kept, nothing half-written, queued chunks removed); any other command, or
// a second signal, ends the process at once, with 130 as a shell expects of an interrupted command (128 + the signal's
// number for the others). Temporary directories are removed on the way out (see @senti/base openAtomicDirectory).
const interrupt = new AbortController();
let cancellable = false;
const SIGNALS = {
  SIGINT: { number: 2, reason: 'Ctrl-C' },
  SIGTERM: { number: 15, reason: 'SIGTERM' },
  SIGHUP: { number: 1, reason: 'SIGHUP' },
} as const;
for (const [name, { number, reason }] of Object.entries(SIGNALS)) {
  process.on(name, () => {
    if (!cancellable || interrupt.signal.aborted) process.exit(128 + number);
    interrupt.abort(reason);
  });
}
process.exitCode = await runSenti(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: interrupt.signal,
  onCancellable: () => (cancellable = true),
});
