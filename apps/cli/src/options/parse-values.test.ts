import { describe, expect, it } from 'vitest';
import { UsageError } from '@senti/errors';
import { parseChoice, parseInteger, parseNumber } from './parse-values.js';

describe('option value parsers', () => {
  it('accepts good values', () => {
    expect(parseInteger('--epochs')('10')).toBe(10);
    expect(parseNumber('--lr', 0)('1e-5')).toBe(1e-5);
    expect(parseChoice('--dtype', ['fp32', 'q8'])('q8')).toBe('q8');
  });

  it('names the flag and the expectation in one line', () => {
    expect(() => parseInteger('--epochs')('ten')).toThrow('--epochs expects a whole number >= 1, got "ten"');
    expect(() => parseInteger('--epochs')('2.5')).toThrow(UsageError);
    expect(() => parseInteger('--epochs')('0')).toThrow(UsageError);
    expect(() => parseNumber('--min-accuracy', 0, 1)('1.5')).toThrow(
      '--min-accuracy expects a number between 0 and 1, got "1.5"',
    );
    expect(() => parseChoice('--dtype', ['fp32', 'q8'])('int4')).toThrow('--dtype expects one of fp32, q8, got "int4"');
  });
});
