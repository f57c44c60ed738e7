import type { SentiError } from '@senti/errors';
import { settingSpec } from '@senti/train/settings';
import { COMMAND_OPTIONS } from './options/command-options.js';

/**
 * Library messages name options, never flags (`encoding: "cp1252"`, `encoderModel`): packages are used without the
 * CLI. The CLI shows them with its own flags instead (a setting's from the settings table), and adds a hint of its
 * own for some codes.
 */
const OPTION_FLAGS: Readonly<Record<string, string>> = {
  encoderModel: flagName(COMMAND_OPTIONS.encoder.flags),
  queue: flagName(COMMAND_OPTIONS.queue.flags),
  bundleEncoder: '--bundle-encoder',
  resume: '--resume',
  checkpointDir: '--out',
  output: '--output',
};

function flagName(flags: string): string {
  return flags.split(' ')[0]!;
}

/** The flag of a library option: a setting's from the table, else the CLI's own. */
function flagOfOption(option: string): string | undefined {
  const flag = settingSpec(option)?.flag;
  return flag !== undefined ? `--${flag}` : Object.hasOwn(OPTION_FLAGS, option) ? OPTION_FLAGS[option] : undefined;
}

/** `option` or `option: value` in backticks -> the flag as typed on the command line. */
export function withFlags(text: string): string {
  return text.replace(/`(\w+)(?:: ([^`]+))?`/g, (whole, option: string, value: string | undefined) => {
    const flag = flagOfOption(option);
    if (flag === undefined) return whole;
    const spec = settingSpec(option);
    // A switch's flag sets one value (`--no-cache` is `cache: false`); the other value has no flag to show.
    if (spec?.kind === 'switch') return value === undefined || value === String(spec.flagSets) ? flag : whole;
    if (value === undefined || value === 'true') return flag;
    return `${flag} ${value.replace(/^"(.*)"$/, '$1')}`;
  });
}

/** Hints the CLI gives for codes whose library hint cannot know the command line; `command` is how senti was started. */
const CODE_HINTS: Readonly<Record<string, (command: string) => string>> = {
  CLI_OUTPUT_FORMAT: () => 'or - for stdout',
  MODEL_NOT_FOUND: (command) =>
    `--model-dir takes a run directory or its model/ folder, as \`${command} train --out DIR\` writes them; an export directory is for senti-server or transformers.js`,
};

/** The message and hint of a senti error as the CLI prints them: flags instead of option names, plus the CLI's own hint. */
export function cliMessage(error: SentiError, command = 'senti'): { message: string; hint: string | undefined } {
  const own = CODE_HINTS[error.code]?.(command);
  const hint =
    error.hint === undefined ? own : own === undefined ? withFlags(error.hint) : `${withFlags(error.hint)}; ${own}`;
  return { message: withFlags(error.message), hint };
}
