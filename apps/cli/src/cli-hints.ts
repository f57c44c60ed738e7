import type { SentiError } from '@senti/errors';

/**
 * Library messages name options, never flags (`encoding: "cp1252"`, `encoderModel`): packages are used without the
 * CLI. The CLI shows them with its own flags instead, and adds a hint of its own for some codes.
 */
const OPTION_FLAGS: Readonly<Record<string, string>> = {
  data: '--data',
  encoding: '--encoding',
  delimiter: '--delimiter',
  encoderModel: '--encoder',
  bundleEncoder: '--bundle-encoder',
  model: '--model',
  offline: '--offline',
  resume: '--resume',
  checkpointDir: '--out',
  queue: '--queue',
  device: '--device',
};

/** `option` or `option: value` in backticks -> the flag as typed on the command line. */
export function withFlags(text: string): string {
  return text.replace(/`(\w+)(?:: ([^`]+))?`/g, (whole, option: string, value: string | undefined) => {
    const flag = OPTION_FLAGS[option];
    if (flag === undefined) return whole;
    if (value === undefined || value === 'true') return flag;
    return `${flag} ${value.replace(/^"(.*)"$/, '$1')}`;
  });
}

/** Hints the CLI gives for codes whose library hint cannot know the command line; `command` is how senti was started. */
const CODE_HINTS: Readonly<Record<string, (command: string) => string>> = {
  MODEL_NOT_FOUND: (command) =>
    `--model-dir takes a run directory or its model/ folder, as \`${command} train --out DIR\` writes them; an export directory is for senti-server or transformers.js`,
};

/** The message and hint of a senti error as the CLI prints them: flags instead of option names, plus the CLI's own hint. */
export function cliMessage(error: SentiError, command = 'senti'): { message: string; hint: string | undefined } {
  const own = CODE_HINTS[error.code]?.(command);
  const hint = error.hint === undefined ? own : own === undefined ? withFlags(error.hint) : `${withFlags(error.hint)}; ${own}`;
  return { message: withFlags(error.message), hint };
}
