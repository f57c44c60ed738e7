import type { Command } from 'commander';
import { settingSpec, type SettingKey } from '@senti/train/settings';
import { addSettingOptions } from './setting-options.js';
import { parseNumber } from './parse-values.js';

/** A flag that is not a setting of a run: how it is written, its help, its parser, whether it must be given. */
interface CommandOption {
  flags: string;
  help: string;
  parse?: (text: string) => unknown;
  required?: true;
}

/**
 * The flags several commands share that are not fine-tuning settings (those come from @senti/train's settings table),
 * declared once: each command picks them by name with {@link addOptions}.
 */
export const COMMAND_OPTIONS = {
  modelDir: {
    flags: '--model-dir <dir>',
    help: 'run directory (or its model/ folder) written by senti train',
    required: true,
  },
  encoder: { flags: '--encoder <id|dir>', help: 'where the encoder lives now, if it moved since training' },
  queue: {
    flags: '--queue <url>',
    help: 'Redis: redis://[user:password@]host[:port][/db], rediss:// for TLS (default: SENTI_QUEUE)',
  },
  minAccuracy: {
    flags: '--min-accuracy <x>',
    help: 'exit 3 if accuracy is below x',
    parse: parseNumber('--min-accuracy', 0, 1),
  },
  minF1: { flags: '--min-f1 <x>', help: 'exit 3 if macro F1 is below x', parse: parseNumber('--min-f1', 0, 1) },
  abstainBelow: {
    flags: '--abstain-below <p>',
    help: 'abstain when the top calibrated probability is below p',
    parse: parseNumber('--abstain-below', 0, 1),
  },
} as const satisfies Record<string, CommandOption>;

/** The name of a shared command flag that is not a setting. */
export type CommandOptionKey = keyof typeof COMMAND_OPTIONS;

/** What a command may take by name: a fine-tuning setting or a shared command flag. */
export type OptionName = SettingKey | CommandOptionKey;

/** How a command uses shared flags its own way: other help lines, settings it requires. */
export interface OptionOverrides {
  /** Replaces a flag's help line where the command gives it a narrower meaning (e.g. evaluate's `--text-column`). */
  help?: Partial<Record<OptionName, string>>;
  /** Settings the command cannot run without (commander refuses the command when they are missing). */
  required?: readonly SettingKey[];
}

/** Adds the named flags, in the order given, each declared once in the settings table or {@link COMMAND_OPTIONS}. */
export function addOptions(command: Command, names: readonly OptionName[], overrides: OptionOverrides = {}): Command {
  const { help = {}, required = [] } = overrides;
  for (const name of names) {
    if (settingSpec(name) !== undefined) {
      addSettingOptions(command, [name as SettingKey], help, required);
      continue;
    }
    const option: CommandOption = COMMAND_OPTIONS[name as CommandOptionKey];
    const line = help[name] ?? option.help;
    const add = option.required ? command.requiredOption.bind(command) : command.option.bind(command);
    if (option.parse === undefined) add(option.flags, line);
    else add(option.flags, line, option.parse);
  }
  return command;
}
