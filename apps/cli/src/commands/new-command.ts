import { Command } from 'commander';

/** A subcommand with the CLI's shared behaviour: errors thrown to main (exit 2), 80-column help, --verbose and --json. */
export function newCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .showHelpAfterError(`(run "senti ${name} --help" for usage)`)
    .configureHelp({ helpWidth: 80, sortOptions: false })
    .option('--json', 'print one machine-readable JSON summary on stdout (human text goes to stderr)')
    .option('--verbose', 'show stack traces for errors');
}
