import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One subcommand of the benchmark tool: its help text and what it runs. */
export interface BenchCommand {
  /** Full help: usage line, what it measures, every option with its default. */
  usage: string;
  /** Runs the benchmark with the arguments after the subcommand's name. */
  run(args: string[]): Promise<void>;
}

/** An option spec for {@link parseOptions}: node's parseArgs options. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a subcommand's arguments (a leading `--`, as `pnpm start -- ...` passes it, is dropped); `--help` prints
 * the usage and exits 0, an unknown option prints it and exits 2.
 */
export function parseOptions(
  args: readonly string[],
  options: OptionSpec,
  usage: string,
): Record<string, string | boolean | undefined> {
  const rest = args.filter((arg, index) => !(index === 0 && arg === '--'));
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args: rest, options, allowPositionals: false, strict: true }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage.trimEnd()}\n`);
    process.exit(2);
  }
}

/** A path the user typed, taken relative to the directory they ran pnpm in (pnpm runs scripts in tools/bench). */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
