#!/usr/bin/env node
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';

// `pnpm --filter cli start` runs inside apps/cli; paths on the command line are relative to where the user typed them.
if (process.env.INIT_CWD && process.env.npm_lifecycle_event === 'start') process.chdir(process.env.INIT_CWD);

const verbose = process.argv.includes('--verbose');
try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, verbose);
}
