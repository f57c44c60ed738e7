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

/** Parses `auto` or a whole number for `--max-length`. */
export function parseMaxLength(value: string): 'auto' | number {
  return value === 'auto' ? 'auto' : parseInteger('--max-length', 2)(value);
}
