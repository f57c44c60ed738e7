import { Command } from 'commander';
import { UsageError } from '@senti/errors';
import type { CliContext } from '../cli-context.js';

/** A subcommand with the CLI's shared behaviour: errors thrown to runSenti (exit 2), 80-column help, --verbose and --json. */
export function newCommand(name: string, description: string, context: CliContext): Command {
  return configureCommand(new Command(name), context)
    .description(description)
    .showHelpAfterError(`(run "${context.command} ${name} --help" for usage)`)
    .option('--json', 'print one machine-readable JSON document on stdout (also on errors; human text goes to stderr)')
    .option('--verbose', 'show stack traces for errors')
    .hook('preAction', (_command, action) => refuseFlagsAsValues(action));
}

/** `--data --json` makes commander take "--json" as the file name: refuse a value that is one of our flags, or empty. */
function refuseFlagsAsValues(command: Command): void {
  const longFlags = new Set(command.options.map((option) => option.long));
  for (const option of command.options) {
    const value: unknown = command.getOptionValue(option.attributeName());
    if (value === '' && command.getOptionValueSource(option.attributeName()) === 'cli') {
      throw new UsageError('CLI_MISSING_VALUE', `${option.long} expects a value, got an empty string`);
    }
    if (
      typeof value === 'string' &&
      longFlags.has(value) &&
      command.getOptionValueSource(option.attributeName()) === 'cli'
    ) {
      throw new UsageError(
        'CLI_MISSING_VALUE',
        `${option.long} expects a value, but the next argument is the flag ${value}`,
      );
    }
  }
}

/** Errors are thrown (not exited), output goes to the run's streams, help is 80 columns wide. */
export function configureCommand(command: Command, context: CliContext): Command {
  return command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
    })
    .configureHelp({ helpWidth: 80, sortOptions: false });
}
