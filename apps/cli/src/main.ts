#!/usr/bin/env node
import { endQuietlyWhenOutputCloses } from './closed-output.js';
import { runSenti } from './run-senti.js';

// `pnpm --filter cli start` and the root `pnpm senti` script run elsewhere; paths on the command line are relative to
// where the user typed them.
if (process.env.INIT_CWD && ['start', 'senti'].includes(process.env.npm_lifecycle_event ?? '')) process.chdir(process.env.INIT_CWD);

endQuietlyWhenOutputCloses(process.stdout, process.stderr);
process.exitCode = await runSenti(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
