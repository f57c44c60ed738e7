import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

/**
 * One `senti` subcommand as `senti --help` lists it, and how to build it. A command's module (and the libraries it
 * imports: transformers.js, ONNX Runtime, TensorFlow.js, BullMQ, vega, sharp) loads only when that command runs, so
 * `senti --help` and a mistyped command answer at once. `term` and `summary` repeat the command's own usage and
 * description (command-registry.test.ts checks they agree).
 */
export interface CommandEntry {
  /** The subcommand's name, as typed after `senti`. */
  name: string;
  /** Its line in `senti --help`'s command list (name, `[options]`, arguments), as commander would write it. */
  term: string;
  /** Its description, word for word. */
  summary: string;
  /** Imports the command's module and returns its factory. */
  load: () => Promise<(context: CliContext) => Command>;
}

/** Every subcommand, in `senti --help` order. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'train',
    term: 'train [options]',
    summary: 'Split the data, encode it once with the frozen encoder, train the head, report on the test split.',
    load: async () => (await import('./commands/train-command.js')).trainCommand,
  },
  {
    name: 'evaluate',
    term: 'evaluate [options]',
    summary: "Report a trained model's scores on labelled data (default: the run's own test split).",
    load: async () => (await import('./commands/evaluate-command.js')).evaluateCommand,
  },
  {
    name: 'predict',
    term: 'predict [options] [texts...]',
    summary: 'Predict labels and probabilities with a trained model.',
    load: async () => (await import('./commands/predict-command.js')).predictCommand,
  },
  {
    name: 'audit',
    term: 'audit [options]',
    summary: 'Find likely label errors: k-fold out-of-fold probabilities, confident learning, label-issues.csv.',
    load: async () => (await import('./commands/audit-command.js')).auditCommand,
  },
  {
    name: 'inspect',
    term: 'inspect [options]',
    summary: 'Show label distribution, token-length percentiles and histogram, and a suggested --max-length.',
    load: async () => (await import('./commands/inspect-command.js')).inspectCommand,
  },
  {
    name: 'encode',
    term: 'encode [options]',
    summary:
      'Put the features of every text in the shared store, encoded by any number of `senti worker`s through Redis.',
    load: async () => (await import('./commands/encode-command.js')).encodeCommand,
  },
  {
    name: 'worker',
    term: 'worker [options]',
    summary: 'Encode chunks that `senti encode` put on the Redis queue, into the shared feature store, until stopped.',
    load: async () => (await import('./commands/worker-command.js')).workerCommand,
  },
  {
    name: 'export',
    term: 'export [options] <out>',
    summary: 'Write a trained model as a Hugging Face directory (config, tokenizer, one ONNX graph to logits).',
    load: async () => (await import('./commands/export-command.js')).exportCommand,
  },
];

/** Options of `senti` itself, which may come before the subcommand's name. */
const GLOBAL_FLAGS = new Set(['--verbose', '-V', '--version', '-h', '--help']);

/**
 * The subcommand a command line runs (or asks help for: `senti help train`), or undefined for `senti --help`, a bare
 * `senti` and unknown names (commander then answers from the summaries alone).
 */
export function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((arg) => !GLOBAL_FLAGS.has(arg));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((entry) => entry.name === name);
}
