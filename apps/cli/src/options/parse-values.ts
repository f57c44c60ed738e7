// Parsers of flags that are not fine-tuning settings (those parse through the settings table: setting-options.ts).
import { UsageError } from '@senti/errors';

/** Parses a whole number >= `min` given to `flag`, or says what was expected. */
export function parseInteger(flag: string, min = 1): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^[+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min) {
      throw new UsageError('CLI_BAD_OPTION', `${flag} expects a whole number >= ${min}, got "${value}"`);
    }
    return parsed;
  };
}

/** Parses a finite number in [min, max] given to `flag`. */
export function parseNumber(flag: string, min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
      throw new UsageError('CLI_BAD_OPTION', `${flag} expects a number ${range}, got "${value}"`);
    }
    return parsed;
  };
}

/** Parses one of a fixed set of words given to `flag`. */
export function parseChoice<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError('CLI_BAD_OPTION', `${flag} expects one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}

/** Parses `--label-names 0=negative,1=positive` into a map from label value to display name. */
export function parseLabelNames(value: string): Record<string, string> {
  const names: Record<string, string> = {};
  const bad = (why: string): never => {
    throw new UsageError(
      'CLI_BAD_OPTION',
      `--label-names expects value=name pairs separated by commas (e.g. 0=negative,1=positive), got "${value}": ${why}`,
    );
  };
  const pairs = value
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair.length > 0);
  if (pairs.length === 0) bad('no pairs');
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const from = pair.slice(0, at).trim();
    const to = pair.slice(at + 1).trim();
    if (at <= 0 || from === '' || to === '') bad(`"${pair}" is not value=name`);
    if (Object.hasOwn(names, from)) bad(`"${from}" is named twice`);
    if (Object.values(names).includes(to)) bad(`two labels are both called "${to}"`);
    names[from] = to;
  }
  return names;
}
