import type { SentiErrorCode } from './error-codes.js';

/** Where an error comes from: a user's input or a problem the user cannot fix by changing the command. */
export type ErrorKind = 'usage' | 'input' | 'runtime';

/** Options shared by every senti error. */
export interface SentiErrorOptions {
  /** The underlying error, kept for `--verbose` output and logs. */
  cause?: unknown;
  /** A short suggestion of what to do next, printed after the message. */
  hint?: string;
}

/**
 * Marks senti errors. A registered symbol, not `instanceof`: an app may hold two installed copies of @senti/errors
 * (one per dependent package), and an error from one copy must still be recognised by the other.
 */
const SENTI_ERROR = Symbol.for('senti.error');

/**
 * The base of every error senti throws on purpose. `code` is stable (tests, the server's status table and
 * scripts rely on it); `message` is one line naming the input and what was expected.
 */
export class SentiError<Code extends SentiErrorCode = SentiErrorCode> extends Error {
  /** Stable machine-readable code, e.g. `DATA_COLUMN_NOT_FOUND`. */
  readonly code: Code;
  /** `usage` and `input` are the user's to fix; `runtime` is not. */
  readonly kind: ErrorKind;
  /** A short suggestion of what to do next. */
  readonly hint: string | undefined;

  constructor(code: Code, message: string, kind: ErrorKind = 'input', options: SentiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
    this.hint = options.hint;
    Object.defineProperty(this, SENTI_ERROR, { value: true });
  }
}

/** True for errors thrown on purpose by senti (as opposed to bugs); narrows `code` to {@link SentiErrorCode}. */
export function isSentiError(error: unknown): error is SentiError<SentiErrorCode> {
  return typeof error === 'object' && error !== null && (error as { [SENTI_ERROR]?: unknown })[SENTI_ERROR] === true;
}
