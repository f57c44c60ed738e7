import { CommanderError } from 'commander';
import { asFileError } from '@senti/base';
import { isSentiError } from '@senti/errors';
import { CliContext, type CliIo } from './cli-context.js';
import { cliMessage } from './cli-hints.js';
import { buildProgram } from './program.js';
import { EXIT_CODES, reportError } from './report-error.js';

/** What `--json` prints on stdout when a command fails: the error, plus the result and gates it got to (exit 3). */
interface ErrorDocument {
  error: { code: string; message: string };
}

/**
 * Runs `senti` with the given arguments (without `node` and the script) and returns the exit code. Never exits the
 * process. With `--json`, stdout receives exactly one JSON document: the result, or `{ error }` (plus the result and the
 * gate outcome when a quality gate failed); stray library `console.log` output is sent to stderr meanwhile.
 */
export async function runSenti(args: readonly string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  const verbose = args.includes('--verbose');
  const context = new CliContext(io, args);
  const restoreConsole = json ? routeConsoleTo(io.stderr) : () => {};
  let code: number = EXIT_CODES.ok;
  let failure: unknown;
  try {
    await (await buildProgram(context, args)).parseAsync([...args], { from: 'user' });
  } catch (error) {
    failure = asFileError(error); // a raw file-system error is one line naming the path, never "unexpected error"
    code = reportError(failure, verbose, io.stderr, context.command);
  } finally {
    restoreConsole();
  }
  if (json && !(failure instanceof CommanderError && failure.exitCode === 0)) {
    io.stdout.write(`${JSON.stringify(jsonDocument(context, failure), null, 2)}\n`);
  }
  return code;
}

function jsonDocument(context: CliContext, failure: unknown): unknown {
  const gate = context.gates.find((outcome) => !outcome.passed) ?? context.gates[0];
  const gates = context.gates.length > 0 ? { gate, ...(context.gates.length > 1 ? { gates: context.gates } : {}) } : {};
  if (failure === undefined) {
    return context.result !== null && typeof context.result === 'object' && !Array.isArray(context.result)
      ? { ...context.result, ...gates }
      : (context.result ?? { ok: true });
  }
  const error: ErrorDocument = { error: errorFields(failure, context.command) };
  if (
    isSentiError(failure) &&
    failure.code === 'CLI_QUALITY_GATE' &&
    typeof context.result === 'object' &&
    context.result !== null
  ) {
    return { ...context.result, ...gates, ...error };
  }
  return error;
}

function errorFields(failure: unknown, command: string): ErrorDocument['error'] {
  if (failure instanceof CommanderError) return { code: 'CLI_USAGE', message: failure.message.replace(/^error: /, '') };
  if (isSentiError(failure)) {
    const { message, hint } = cliMessage(failure, command);
    return { code: failure.code, message: `${message}${hint ? ` (${hint})` : ''}` };
  }
  return {
    code: 'INTERNAL_ERROR',
    message: failure instanceof Error ? failure.message.split('\n')[0]! : String(failure),
  };
}

/** Sends console.log/info/debug to `stream` (libraries that print on stdout must not break the JSON document). */
function routeConsoleTo(stream: NodeJS.WritableStream): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  const write = (...values: unknown[]): void => {
    stream.write(`${values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(' ')}\n`);
  };
  console.log = write;
  console.info = write;
  console.debug = write;
  return () => Object.assign(console, saved);
}
