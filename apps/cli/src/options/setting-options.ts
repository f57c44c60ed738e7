import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '@senti/errors';
import { type FineTuneInput } from '@senti/train';
import {
  parseSetting,
  SETTING_KEYS,
  SETTINGS,
  settingExpectation,
  settingHelp,
  settingSpec,
  settingsConflict,
  type SettingKey,
  type SettingSpec,
} from '@senti/train/settings';
import { parseLabelNames } from './parse-values.js';

// Every command's setting flags, generated from @senti/train's settings table: the flags, their parsing and help,
// the flag -> setting mapping, `--config` checks and the names in messages all come from that one table.

/** The flag that sets `key`, e.g. `--lr` (the setting's own name when it has no flag, e.g. `dropout`). */
export function flagOf(key: string): string {
  const spec = settingSpec(key);
  return spec?.flag !== undefined ? `--${spec.flag}` : key;
}

/**
 * Adds a flag for every setting of `keys` that has one, with the table's help and value checks; `help` replaces a
 * setting's help line where the command uses it differently (e.g. `senti encode`'s `--data`), `required` lists the
 * settings the command cannot run without.
 */
export function addSettingOptions(
  command: Command,
  keys: readonly SettingKey[],
  help: Partial<Record<string, string>> = {},
  required: readonly SettingKey[] = [],
): Command {
  const withoutFlag = keys.filter((key) => settingSpec(key)?.flag === undefined);
  if (withoutFlag.length > 0) {
    // Settings set through --config or --sweep only are still listed, with their defaults.
    command.addHelpText(
      'after',
      `\nSettings without a flag:\n${withoutFlag.map((key) => wrapped(`  ${key}  ${settingHelp(key)}`, `${key}    `.length)).join('\n')}`,
    );
  }
  for (const key of keys) {
    const spec: SettingSpec = SETTINGS[key];
    if (spec.flag === undefined) continue;
    // Only train takes --resume: other commands' help must not offer it.
    const line =
      command.name() === 'train'
        ? (help[key] ?? settingHelp(key))
        : (help[key] ?? settingHelp(key)).replace(/ \(required unless --resume\)|; with --resume: [^;)]*/g, '');
    const add = required.includes(key) ? command.requiredOption.bind(command) : command.option.bind(command);
    if (spec.kind === 'switch') add(`--${spec.flag}`, line);
    // Text values get no parser: the shared pre-action check names an empty value or a flag taken as the value.
    else if (spec.kind === 'text' || spec.kind === 'source') add(`--${spec.flag} ${spec.placeholder}`, line);
    else add(`--${spec.flag} ${spec.placeholder}`, line, (text: string) => parseFlagValue(key, text));
  }
  return command;
}

/** `line` broken at spaces into lines of at most 80 characters, continuation lines indented by `indent`. */
function wrapped(line: string, indent: number): string {
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(/(?<=\S) (?=\S)/)) {
    if (current !== '' && current.length + 1 + word.length > 80) {
      lines.push(current);
      current = `${' '.repeat(indent)}${word}`;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  return [...lines, current].join('\n');
}

/** A flag's value as its setting's value, or a usage error naming the flag and what it accepts. */
export function parseFlagValue(key: SettingKey, text: string): unknown {
  if (SETTINGS[key].kind === 'label-names') return parseLabelNames(text);
  const value = parseSetting(key, text);
  if (value === undefined)
    throw new UsageError('CLI_BAD_OPTION', `${flagOf(key)} expects ${settingExpectation(key)}, got "${text}"`);
  return value;
}

/** The settings given as flags on the command line (defaults left out), by setting name. */
export function givenSettings(command: Command): Partial<FineTuneInput> {
  const given: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTINGS[key];
    const option = command.options.find((candidate) => candidate.long === `--${spec.flag}`);
    if (option === undefined || command.getOptionValueSource(option.attributeName()) !== 'cli') continue;
    given[key] = spec.kind === 'switch' ? spec.flagSets : command.getOptionValue(option.attributeName());
  }
  return given as Partial<FineTuneInput>;
}

/** Throws a usage error naming the flags of the first broken rule between settings (e.g. --val without --test). */
export function assertNoSettingConflict(settings: Partial<FineTuneInput>): void {
  const conflict = settingsConflict(settings, flagOf);
  if (conflict !== undefined) throw new UsageError('CLI_BAD_OPTION', conflict);
}

/** Reads settings from `--config FILE`: a run's config.json (its `settings`) or a plain object of settings. */
export async function readConfigSettings(file: string): Promise<Partial<FineTuneInput>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      'CLI_CONFIG_UNREADABLE',
      `--config ${file} ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`}; expected a run's config.json`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      `--config ${file} is not valid JSON (${(error as Error).message}); expected a run's config.json`,
      { cause: error },
    );
  }
  const object =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  const wrapped =
    object && typeof object.settings === 'object' && object.settings !== null && !Array.isArray(object.settings);
  const settings = wrapped ? (object.settings as Record<string, unknown>) : object;
  if (settings === undefined)
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      `--config ${file} holds no settings object; expected a run's config.json`,
    );
  const unknown = Object.keys(settings).filter((key) => settingSpec(key) === undefined);
  if (unknown.length > 0) {
    // A plain object with other keys is some other JSON file (metrics.json, senti.json): refuse it whole.
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      wrapped
        ? `--config ${file}: unknown setting "${unknown[0]}"; known: ${SETTING_KEYS.join(', ')}`
        : `--config ${file} is not a senti config.json: ${unknown
            .slice(0, 3)
            .map((key) => `"${key}"`)
            .join(
              ', ',
            )} ${unknown.length === 1 ? 'is not a setting' : 'are not settings'}; expected a run's config.json`,
    );
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value !== undefined && value !== null) result[key] = checkConfigValue(file, key as SettingKey, value);
  }
  return result as Partial<FineTuneInput>;
}

function checkConfigValue(file: string, key: SettingKey, value: unknown): unknown {
  const spec: SettingSpec = SETTINGS[key];
  const wrong = (): never => {
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      `--config ${file}: "${key}" is ${JSON.stringify(value)}; expected ${settingExpectation(key)}`,
    );
  };
  if (spec.kind === 'switch') return typeof value === 'boolean' ? value : wrong();
  if (spec.kind === 'label-names') {
    if (typeof value !== 'object' || Array.isArray(value)) return wrong();
    return parseLabelNames(
      Object.entries(value as Record<string, unknown>)
        .map(([from, to]) => `${from}=${String(to)}`)
        .join(','),
    );
  }
  if (spec.kind === 'text' || spec.kind === 'source')
    return typeof value === 'string' && value.length > 0 ? value : wrong();
  if (typeof value !== 'string' && typeof value !== 'number') return wrong();
  return parseSetting(key, String(value)) ?? wrong();
}
