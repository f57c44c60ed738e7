import { Command, Help } from 'commander';
import type { CliContext } from './cli-context.js';
import { COMMANDS, requestedCommand } from './command-registry.js';
import { configureCommand } from './commands/new-command.js';
import { CLI_VERSION } from './version.js';

/**
 * The `senti` command for one command line: the subcommand it runs is built in full (its module imported now), the
 * others are name-and-summary placeholders for the help list. Errors are thrown, not printed with exit, so main decides.
 */
export async function buildProgram(context: CliContext, args: readonly string[]): Promise<Command> {
  const requested = requestedCommand(args);
  const terms = new Map(COMMANDS.map((entry) => [entry.name, entry.term]));
  const program = configureCommand(new Command('senti'), context)
    .description(
      'Fine-tune a frozen BERT encoder with a small head for sentence classification, then predict and evaluate.',
    )
    .version(CLI_VERSION, '-V, --version')
    .option('--verbose', 'show stack traces for errors')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({
      helpWidth: 80,
      sortOptions: false,
      subcommandTerm: (command) =>
        (command.name() !== requested?.name && terms.get(command.name())) || new Help().subcommandTerm(command),
    });
  for (const entry of COMMANDS) {
    program.addCommand(
      entry === requested ? (await entry.load())(context) : new Command(entry.name).description(entry.summary),
    );
  }
  const senti = context.command;
  program.addHelpText(
    'after',
    `
Examples:
  ${senti} train --data reviews.csv
  ${senti} train --data reviews.csv --model fixtures/tiny-bert --offline --out runs/demo
  ${senti} predict --model-dir runs/demo "what a great film" "dull and too long"
  ${senti} evaluate --model-dir runs/demo --data holdout.csv
  ${senti} inspect --data reviews.csv
  ${senti} export --model-dir runs/demo exported --web

Serving: senti-server --model-dir runs/demo --port 8080 (HTTP: POST /v1/predict, a
page to try sentences at /); from a clone: pnpm --filter server start --model-dir
runs/demo --port 8080.

Exit codes: 0 ok, 1 data or runtime problem, 2 usage mistake, 3 --min-accuracy/--min-f1 not met,
130 interrupted (Ctrl-C, SIGTERM or SIGHUP).`,
  );
  return program;
}
