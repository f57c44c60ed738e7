import { invocationPrefix } from './invocation.js';
import { ConsoleOutput } from './output/console-output.js';

/** The streams a `senti` run reads and writes (the process's own, or captured ones in tests). */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /** Redraw progress in place (default: stderr is a TTY and `CI` is unset). */
  interactive?: boolean;
  /** Aborts when the user interrupts (Ctrl-C); commands that can stop cleanly pass it on (see `CliContext.cancelSignal`). */
  signal?: AbortSignal;
  /** Told when a command takes the signal, i.e. an interrupt will be handled rather than ending the process at once. */
  onCancellable?: () => void;
}

/** One quality gate's outcome, as the `--json` document reports it. */
export interface GateOutcome {
  metric: 'accuracy' | 'macroF1';
  threshold: number;
  value: number;
  passed: boolean;
}

/** State of one `senti` invocation: its streams, the `--json` result and the gate outcomes it produced. */
export class CliContext {
  /** The machine-readable result of the command (printed once, by runSenti, in `--json` mode). */
  result: unknown;
  /** Quality gate outcomes (train and evaluate). */
  gates: GateOutcome[] = [];
  /** How the user started senti (`senti`, `pnpm --filter cli start`, ...), for hints that name a command to run. */
  readonly command: string = invocationPrefix();

  /** `args`: the command line as given (without node and the script), recorded in config.json. */
  constructor(
    readonly io: CliIo,
    readonly args: readonly string[] = [],
  ) {}

  /** The interrupt signal for a job that stops cleanly on it (checkpoints kept, nothing half-written). */
  cancelSignal(): AbortSignal | undefined {
    this.io.onCancellable?.();
    return this.io.signal;
  }

  /** The console of this run; in `--json` mode human text goes to stderr. */
  console(json: boolean | undefined): ConsoleOutput {
    return new ConsoleOutput({
      json: json ?? false,
      stderr: this.io.stderr,
      ...(json ? {} : { stdout: this.io.stdout }),
      ...(this.io.interactive !== undefined ? { interactive: this.io.interactive } : {}),
    });
  }
}
