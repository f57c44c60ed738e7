import { formatDuration } from './format-duration.js';

/** Options for {@link ConsoleOutput}. */
export interface ConsoleOutputOptions {
  /** Machine-readable mode: human text goes to stderr so stdout carries only the JSON summary. */
  json?: boolean;
  /** Redraw progress bars in place; off when stderr is not a TTY or `CI` is set (to anything but empty, 0 or false). */
  interactive?: boolean;
  /** Where human text goes (defaults follow `json`). */
  stdout?: NodeJS.WritableStream;
  /** Where progress and diagnostics go. */
  stderr?: NodeJS.WritableStream;
}

/** Decides whether progress may redraw in place: a TTY and not a CI pipeline. */
export function isInteractive(stream: NodeJS.WritableStream = process.stderr): boolean {
  return Boolean((stream as NodeJS.WriteStream).isTTY) && !runsInCi(process.env.CI);
}

/** `CI=true`/`CI=1`/any other value means a CI pipeline; unset, empty, `0` and `false` (any case) mean not. */
export function runsInCi(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false'].includes(value.trim().toLowerCase());
}

/** Everything the CLI prints goes through here, so `--json` and CI modes behave the same in every command. */
export class ConsoleOutput {
  readonly json: boolean;
  readonly interactive: boolean;
  private readonly text: NodeJS.WritableStream;
  private readonly diagnostics: NodeJS.WritableStream;

  constructor(options: ConsoleOutputOptions = {}) {
    this.json = options.json ?? false;
    this.diagnostics = options.stderr ?? process.stderr;
    this.text = options.stdout ?? (this.json ? this.diagnostics : process.stdout);
    this.interactive = options.interactive ?? isInteractive(this.diagnostics);
  }

  /** Prints human-readable lines. */
  line(text = ''): void {
    this.text.write(`${text}\n`);
  }

  /** Prints a titled section: a blank line, the title, then the body. */
  section(title: string, body?: string): void {
    this.line();
    this.line(title);
    if (body !== undefined && body.length > 0) this.line(body.replace(/\n$/, ''));
  }

  /**
   * Starts a progress display for `total` units of work. `startedAt` (ms): when the work began at 0 done, if before the
   * first update; without it the first update is the reference point (work already done then is not counted as speed).
   */
  progress(label: string, total: number, unit = 'items', startedAt?: number): Progress {
    return new Progress(this.diagnostics, label, total, unit, this.interactive, startedAt);
  }

  /** Clears a progress bar drawn in place (interactive mode only). */
  clearProgressLine(): void {
    if (this.interactive) this.diagnostics.write('\r\x1b[K');
  }
}

/**
 * A progress bar with rate and ETA; plain periodic lines when not interactive. The rate counts only work done after the
 * reference point (the given start, else the first update), so a bar created after a first batch shows neither
 * `0.0 texts/s` nor thousands: until a second point exists it shows no rate and `ETA --`.
 */
export class Progress {
  private lastPrintAt = 0;
  private lastPlainPercent = -1;
  private done = 0;
  private readonly createdAt = Date.now();
  /** Units done at a known moment; the rate is measured from here. */
  private reference: { done: number; at: number } | undefined;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly interactive: boolean,
    private readonly startedAt?: number,
  ) {
    if (startedAt !== undefined) this.reference = { done: 0, at: startedAt };
  }

  /** Reports absolute progress, with an optional suffix such as the current loss. */
  update(done: number, suffix = ''): void {
    this.done = done;
    const now = Date.now();
    this.reference ??= { done, at: now };
    if (this.interactive) {
      if (now - this.lastPrintAt < 100 && done < this.total) return;
      this.lastPrintAt = now;
      this.stream.write(`\r${this.render(suffix)}\x1b[K`);
      return;
    }
    const percent = this.total === 0 ? 100 : Math.floor((100 * done) / this.total);
    const step = percent - (percent % 25);
    if (step <= this.lastPlainPercent && now - this.lastPrintAt < 10_000) return;
    if (done >= this.total) return; // finish() prints the last line
    this.lastPlainPercent = step;
    this.lastPrintAt = now;
    this.stream.write(`${this.render(suffix)}\n`);
  }

  /** Ends the display with a summary line. */
  finish(suffix = ''): void {
    this.done = this.total;
    this.stream.write(
      `${this.interactive ? '\r' : ''}${this.render(suffix, true)}${this.interactive ? '\x1b[K' : ''}\n`,
    );
  }

  /** Units per second since the reference point, or undefined while there is no second point to measure from. */
  private rate(now: number): number | undefined {
    const reference = this.reference;
    if (reference === undefined || this.done <= reference.done || now <= reference.at) return undefined;
    return (this.done - reference.done) / ((now - reference.at) / 1000);
  }

  private render(suffix: string, finished = false): string {
    const now = Date.now();
    const elapsed = (now - (this.startedAt ?? this.createdAt)) / 1000;
    const rate = this.rate(now);
    const fraction = this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    const width = 20;
    const filled = Math.round(fraction * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const timing = finished
      ? `in ${formatDuration(elapsed)}`
      : `ETA ${rate !== undefined ? formatDuration((this.total - this.done) / rate) : '--'}`;
    const rateText =
      rate === undefined ? this.unit : `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} ${this.unit}/s`;
    const text = `${this.label} [${bar}] ${this.done}/${this.total} ${rateText} ${timing}`;
    return suffix ? `${text}  ${suffix}` : text;
  }
}
