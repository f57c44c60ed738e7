import { TrainError } from '@senti/errors';
import { SETTINGS, settingSpec, type SettingKey, type SettingSpec } from './setting-table.js';

/** What a setting accepts, as words for messages: `a whole number >= 1`, `one of auto, cpu, gpu`. */
export function settingExpectation(key: SettingKey): string {
  return expectation(SETTINGS[key]);
}

function expectation(spec: SettingSpec): string {
  switch (spec.kind) {
    case 'integer':
      return `a whole number >= ${spec.min ?? 0}`;
    case 'max-length':
      return `auto or a whole number >= ${spec.min ?? 1}`;
    case 'number':
      return numberRange(spec);
    case 'choice':
      return `one of ${(spec.choices ?? []).join(', ')}`;
    case 'switch':
      return 'true or false';
    case 'label-names':
      return 'an object such as {"0": "negative", "1": "positive"}';
    case 'source':
    case 'text':
      return 'a non-empty string';
  }
}

function numberRange(spec: SettingSpec): string {
  const low = spec.min !== undefined ? `>= ${spec.min}` : spec.above !== undefined ? `> ${spec.above}` : undefined;
  const high = spec.max !== undefined ? `<= ${spec.max}` : spec.below !== undefined ? `< ${spec.below}` : undefined;
  if (spec.min !== undefined && spec.max !== undefined) return `a number between ${spec.min} and ${spec.max}`;
  if (low !== undefined && high !== undefined) {
    return `a number in ${spec.min !== undefined ? `[${spec.min}` : `(${spec.above}`}, ${spec.max !== undefined ? `${spec.max}]` : `${spec.below})`}`;
  }
  return `a number ${low ?? high ?? ''}`.trim();
}

function inRange(spec: SettingSpec, value: number): boolean {
  return (
    Number.isFinite(value) &&
    (spec.min === undefined || value >= spec.min) &&
    (spec.above === undefined || value > spec.above) &&
    (spec.max === undefined || value <= spec.max) &&
    (spec.below === undefined || value < spec.below)
  );
}

/** Whether `value` is an allowed value of the setting (library values: numbers as numbers, rows as arrays). */
export function isValidSetting(key: SettingKey, value: unknown): boolean {
  const spec: SettingSpec = SETTINGS[key];
  switch (spec.kind) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) && inRange(spec, value);
    case 'max-length':
      return value === 'auto' || (typeof value === 'number' && Number.isSafeInteger(value) && inRange(spec, value));
    case 'number':
      return typeof value === 'number' && inRange(spec, value);
    case 'choice':
      return typeof value === 'string' && (spec.choices ?? []).includes(value);
    case 'switch':
      return typeof value === 'boolean';
    case 'label-names':
      return (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        Object.values(value).every((name) => typeof name === 'string' && name.length > 0)
      );
    case 'source':
      return (typeof value === 'string' && value.length > 0) || Array.isArray(value);
    case 'text':
      return typeof value === 'string' && value.length > 0;
  }
}

/**
 * Reads a setting's value from text (a flag's value, a config file's number or word): the value, or undefined when the
 * text is not one the setting accepts. Whole numbers are digits only (`1e3`, `1.5` are not whole numbers).
 */
export function parseSetting(key: SettingKey, text: string): unknown {
  const spec: SettingSpec = SETTINGS[key];
  const trimmed = text.trim();
  let value: unknown = text;
  if (spec.kind === 'integer' || (spec.kind === 'max-length' && trimmed !== 'auto')) {
    value = /^[+]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
  } else if (spec.kind === 'max-length') {
    value = 'auto';
  } else if (spec.kind === 'number') {
    value = trimmed === '' ? undefined : Number(trimmed);
  } else if (spec.kind === 'switch') {
    value = trimmed === 'true' ? true : trimmed === 'false' ? false : undefined;
  }
  return value !== undefined && isValidSetting(key, value) ? value : undefined;
}

/** Throws a `TRAIN_BAD_OPTION` naming the first setting whose value is not allowed (other fields are not looked at). */
export function checkSettings(settings: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || settingSpec(key) === undefined) continue;
    if (!isValidSetting(key as SettingKey, value)) {
      const shown =
        typeof value === 'string'
          ? `"${value}"`
          : Array.isArray(value)
            ? 'a list'
            : (JSON.stringify(value) ?? String(value));
      throw new TrainError(
        'TRAIN_BAD_OPTION',
        `${key} expects ${settingExpectation(key as SettingKey)}, got ${shown}`,
        'usage',
      );
    }
  }
}

/** A rule between settings: when it is broken, and what to say, each setting named by `name` (its key, or its flag). */
interface SettingRule {
  broken: (settings: Readonly<Record<string, unknown>>) => boolean;
  message: (name: (key: SettingKey) => string) => string;
}

const SETTING_RULES: readonly SettingRule[] = [
  {
    broken: (settings) => (settings.val === undefined) !== (settings.test === undefined),
    message: (name) =>
      `${name('val')} and ${name('test')} go together: give both, or neither to split the data 70/15/15`,
  },
  {
    broken: (settings) => settings.schedule === 'linear' && !(Number(settings.unfreeze ?? 0) > 0),
    message: (name) =>
      `${name('schedule')} linear applies to unfrozen encoder layers only: give ${name('unfreeze')} k too, or leave the schedule constant`,
  },
  {
    broken: (settings) => settings.kfold !== undefined && Number(settings.unfreeze ?? 0) > 0,
    message: (name) =>
      `${name('kfold')} cross-validates the head on frozen-encoder features; it cannot be combined with ${name('unfreeze')}`,
  },
];

/** The message of the first broken rule between the given settings (before defaults), or undefined; `name` names a setting. */
export function settingsConflict(
  settings: Readonly<Record<string, unknown>>,
  name: (key: SettingKey) => string = (key) => key,
): string | undefined {
  return SETTING_RULES.find((rule) => rule.broken(settings))?.message(name);
}
