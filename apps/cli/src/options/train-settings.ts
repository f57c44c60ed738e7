import { readFile } from 'node:fs/promises';
import { UsageError } from '@senti/errors';
import type { FineTuneInput } from '@senti/train';
import { parseChoice, parseInteger, parseLabelNames, parseMaxLength, parseNumber } from './parse-values.js';

/** A fine-tuning setting that `senti train` takes as a flag (and `--config` as a JSON field). */
interface SettingFlag {
  /** The FineTuneInput field. */
  key: keyof FineTuneInput;
  flag: string;
  /** Checks a value read from a config file (flags are checked by commander with the same parser). */
  parse?: (value: string) => unknown;
}

/** Every training setting with its flag, so `--config` and `--resume` can name what they refuse. */
export const SETTING_FLAGS: readonly SettingFlag[] = [
  { key: 'data', flag: '--data' },
  { key: 'val', flag: '--val' },
  { key: 'test', flag: '--test' },
  { key: 'textColumn', flag: '--text-column' },
  { key: 'labelColumn', flag: '--label-column' },
  { key: 'labelNames', flag: '--label-names' },
  { key: 'model', flag: '--model' },
  { key: 'maxLength', flag: '--max-length', parse: parseMaxLength },
  { key: 'coverage', flag: '--coverage', parse: parseNumber('--coverage', 0.01, 1) },
  { key: 'epochs', flag: '--epochs', parse: parseInteger('--epochs') },
  { key: 'batchSize', flag: '--batch-size', parse: parseInteger('--batch-size') },
  { key: 'learningRate', flag: '--lr', parse: parseNumber('--lr', 0) },
  { key: 'weightDecay', flag: '--weight-decay', parse: parseNumber('--weight-decay', 0) },
  { key: 'dropout', flag: 'dropout', parse: parseNumber('dropout', 0, 0.99) },
  { key: 'seed', flag: '--seed', parse: parseInteger('--seed', 0) },
  { key: 'device', flag: '--device', parse: parseChoice('--device', ['auto', 'cpu', 'gpu']) },
  { key: 'dtype', flag: '--dtype', parse: parseChoice('--dtype', ['auto', 'fp32', 'fp16', 'q8', 'int8']) },
  { key: 'pooling', flag: '--pooling', parse: parseChoice('--pooling', ['pooler', 'cls', 'mean']) },
  { key: 'preset', flag: '--preset', parse: parseChoice('--preset', ['tutorial']) },
  { key: 'patience', flag: '--patience', parse: parseInteger('--patience') },
  { key: 'unfreeze', flag: '--unfreeze', parse: parseInteger('--unfreeze', 0) },
  { key: 'encoderLearningRate', flag: '--encoder-lr', parse: parseNumber('--encoder-lr', 0) },
  { key: 'schedule', flag: '--schedule', parse: parseChoice('--schedule', ['constant', 'linear']) },
  { key: 'offline', flag: '--offline' },
  { key: 'cacheDir', flag: '--cache-dir' },
  { key: 'cache', flag: '--no-cache' },
  { key: 'dropDuplicates', flag: '--keep-duplicates' },
];

/** Settings that may differ when resuming: they do not change what the checkpoint continues. */
export const RESUMABLE_KEYS: ReadonlySet<string> = new Set(['epochs', 'offline', 'cacheDir', 'cache']);

/** The flag that sets `key` (for messages). */
export function flagOf(key: string): string {
  return SETTING_FLAGS.find((setting) => setting.key === key)?.flag ?? key;
}

/** Reads settings from `--config FILE`: a run's config.json (its `settings`) or a plain object of settings. */
export async function readConfigSettings(file: string): Promise<Partial<FineTuneInput>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError('CLI_CONFIG_UNREADABLE', `--config ${file} ${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`}; expected a run's config.json`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError('CLI_CONFIG_INVALID', `--config ${file} is not valid JSON (${(error as Error).message}); expected a run's config.json`, { cause: error });
  }
  const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  const settings = object && typeof object.settings === 'object' && object.settings !== null ? (object.settings as Record<string, unknown>) : object;
  if (settings === undefined) throw new UsageError('CLI_CONFIG_INVALID', `--config ${file} holds no settings object; expected a run's config.json`);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) continue;
    const setting = SETTING_FLAGS.find((candidate) => candidate.key === key);
    if (setting === undefined) throw new UsageError('CLI_CONFIG_INVALID', `--config ${file}: unknown setting "${key}"; known: ${SETTING_FLAGS.map((s) => s.key).join(', ')}`);
    result[key] = checkConfigValue(file, key, value, setting);
  }
  return result as Partial<FineTuneInput>;
}

function checkConfigValue(file: string, key: string, value: unknown, setting: SettingFlag): unknown {
  const wrong = (expected: string): never => {
    throw new UsageError('CLI_CONFIG_INVALID', `--config ${file}: "${key}" is ${JSON.stringify(value)}; expected ${expected}`);
  };
  if (['offline', 'cache', 'dropDuplicates'].includes(key)) return typeof value === 'boolean' ? value : wrong('true or false');
  if (key === 'labelNames') {
    if (typeof value !== 'object' || Array.isArray(value)) return wrong('an object such as {"0": "negative", "1": "positive"}');
    return parseLabelNames(Object.entries(value as Record<string, unknown>).map(([from, to]) => `${from}=${String(to)}`).join(','));
  }
  if (setting.parse === undefined) return typeof value === 'string' && value.length > 0 ? value : wrong('a non-empty string');
  if (typeof value !== 'string' && typeof value !== 'number') return wrong('a number or a word');
  try {
    return setting.parse(String(value));
  } catch {
    return wrong(`what ${setting.flag} accepts`);
  }
}
