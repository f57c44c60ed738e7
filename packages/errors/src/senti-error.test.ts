import { describe, expect, it } from 'vitest';
import { DataError, SentiError, UsageError, isSentiError } from './index.js';

describe('SentiError family', () => {
  it('keeps code, kind, hint and cause, and names the subclass', () => {
    const cause = new Error('low level');
    const error = new DataError('DATA_FILE_NOT_FOUND', 'data file "x.csv" not found', 'input', { cause, hint: 'check the path' });
    expect(error).toBeInstanceOf(SentiError);
    expect(error.name).toBe('DataError');
    expect(error.code).toBe('DATA_FILE_NOT_FOUND');
    expect(error.kind).toBe('input');
    expect(error.hint).toBe('check the path');
    expect(error.cause).toBe(cause);
    expect(isSentiError(error)).toBe(true);
    expect(isSentiError(new Error('bug'))).toBe(false);
  });

  it('marks usage errors as usage', () => {
    expect(new UsageError('CLI_BAD_OPTION', '--epochs must be a positive integer, got "x"').kind).toBe('usage');
  });
});
