import { SentiError } from '@senti/errors';
import type { ServerErrorCode } from './error-status.js';

/** An error the server reports to a client; `field` names the request field at fault, e.g. `texts[3]`. */
export class ServerError extends SentiError<ServerErrorCode> {
  static override readonly family: string = 'ServerError';

  /** The request field at fault, when there is one. */
  readonly field: string | undefined;

  constructor(code: ServerErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, 'input', options.cause === undefined ? {} : { cause: options.cause });
    this.field = options.field;
  }
}
