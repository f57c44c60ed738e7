import { isSentiError } from '@senti/errors';

/** Messages for the system errors `listen` can fail with. */
const LISTEN_ERRORS: Record<string, (address: string, flag: string) => string> = {
  EADDRINUSE: (address, flag) => `${address} is already in use; pick another port with ${flag}`,
  EACCES: (address) => `permission denied to listen on ${address}; use a port above 1023`,
  EADDRNOTAVAIL: (address) => `cannot listen on ${address}: no such local address; check --host`,
  ENOTFOUND: (address) => `cannot listen on ${address}: unknown host; check --host`,
};

/** The one line printed when the server cannot start (plus the stack with `verbose`). */
export function startupErrorLine(error: unknown, options: { verbose: boolean }): string {
  let line: string;
  if (isSentiError(error)) {
    line = `senti-server: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}`;
  } else {
    const { code, port, host, message, flag } = error as {
      code?: string;
      port?: number;
      host?: string;
      message?: string;
      flag?: string;
    };
    const describe = code === undefined ? undefined : LISTEN_ERRORS[code];
    line =
      describe !== undefined && port !== undefined
        ? `senti-server: ${describe(`${host ?? ''}:${port}`, flag ?? '--port')}`
        : `senti-server: ${message ?? String(error)}`;
  }
  if (!options.verbose) return line;
  const stack = error instanceof Error && error.stack !== undefined ? `\n${error.stack}` : '';
  const cause =
    error instanceof Error && error.cause instanceof Error && error.cause.stack !== undefined
      ? `\ncaused by: ${error.cause.stack}`
      : '';
  return `${line}${stack}${cause}`;
}
