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

/** Marks an error's family (`DataError`, `ModelError`, ...) the same way, for `Family.isInstance`. */
const SENTI_ERROR_FAMILY = Symbol.for('senti.error.family');

/**
 * The base of every error senti throws on purpose. `code` is stable (tests, the server's status table and
 * scripts rely on it); `message` is one line naming the input and what was expected.
 */
export class SentiError<Code extends SentiErrorCode = SentiErrorCode> extends Error {
  /**
   * The family name its instances are marked with (`Family.isInstance` compares it, not the prototype chain). A family
   * is a direct subclass of `SentiError`, named by its own `family` (set it: class names do not survive minifiers) or
   * else its class name; a subclass of a family belongs to that family.
   */
  static readonly family: string = 'SentiError';

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
    markFamily(this, familyOf(new.target));
  }

  /**
   * True when `error` is of this family: marked by any copy of @senti/errors, or rebuilt from an error record (for
   * instance on the other side of a worker thread). `SentiError.isInstance` is {@link isSentiError}.
   */
  static isInstance<T extends SentiError>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    if (!isSentiError(error)) return false;
    const family = familyOf(this);
    return family === SentiError.family || errorFamily(error) === family;
  }
}

/** True for errors thrown on purpose by senti (as opposed to bugs); narrows `code` to {@link SentiErrorCode}. */
export function isSentiError(error: unknown): error is SentiError<SentiErrorCode> {
  return typeof error === 'object' && error !== null && (error as { [SENTI_ERROR]?: unknown })[SENTI_ERROR] === true;
}

/** The family a senti error is marked with (`DataError`, ...), or undefined for any other value. */
export function errorFamily(error: unknown): string | undefined {
  if (!isSentiError(error)) return undefined;
  const family = (error as { [SENTI_ERROR_FAMILY]?: unknown })[SENTI_ERROR_FAMILY];
  return typeof family === 'string' ? family : error.name; // errors marked by a copy older than family markers
}

/** The family of an error class: that of its ancestor (or itself) directly below `SentiError`. */
function familyOf(errorClass: abstract new (...args: never[]) => SentiError): string {
  let family: object = errorClass;
  if (family === SentiError) return SentiError.family;
  while (Object.getPrototypeOf(family) !== SentiError) {
    family = Object.getPrototypeOf(family) as object;
    if (family === null || family === Function.prototype) return SentiError.family; // not below SentiError
  }
  return Object.hasOwn(family, 'family') ? (family as { family: string }).family : (family as { name: string }).name;
}

/** Sets (or, for an error rebuilt from a record, resets) the family mark. Internal to this package. */
export function markFamily(error: SentiError, family: string): void {
  Object.defineProperty(error, SENTI_ERROR_FAMILY, { value: family, configurable: true });
}
