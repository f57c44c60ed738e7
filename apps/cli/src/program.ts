import { Command } from 'commander';
import { encodeCommand } from './commands/encode-command.js';
import type { CliContext } from './cli-context.js';
import { configureCommand } from './commands/new-command.js';
import { evaluateCommand } from './commands/evaluate-command.js';
import { exportCommand } from './commands/export-command.js';
import { inspectCommand } from './commands/inspect-command.js';
import { predictCommand } from './commands/predict-command.js';
import { trainCommand } from './commands/train-command.js';
import { workerCommand } from './commands/worker-command.js';
import { CLI_VERSION } from './version.js';

/** The `senti` command with its subcommands; errors are thrown, not printed with exit, so main decides. */
export function buildProgram(context: CliContext): Command {
  const program = configureCommand(new Command('senti'), context)
    .description('Fine-tune a frozen BERT encoder with a small head for sentence classification, then predict and evaluate.')
    .version(CLI_VERSION, '-V, --version')
    .option('--verbose', 'show stack traces for errors')
    .showHelpAfterError('(add --help for usage)');
  program.addCommand(trainCommand(context));
  program.addCommand(evaluateCommand(context));
  program.addCommand(predictCommand(context));
  program.addCommand(inspectCommand(context));
  program.addCommand(encodeCommand(context));
  program.addCommand(workerCommand(context));
  program.addCommand(exportCommand(context));
  program.addHelpText(
    'after',
    `
Examples:
  senti train --data reviews.csv
  senti train --data reviews.csv --model fixtures/tiny-bert --offline --out runs/demo
  senti predict --model-dir runs/demo "what a great film" "dull and too long"
  senti evaluate --model-dir runs/demo --data holdout.csv
  senti inspect --data reviews.csv

Exit codes: 0 ok, 1 data or runtime problem, 2 usage mistake, 3 --min-accuracy/--min-f1 not met.`,
  );
  return program;
}
