import { describe, expect, it } from 'vitest';
import { DataError, FileError, SentiError, UsageError, isSentiError, type SentiErrorCode } from './index.js';

describe('SentiError family', () => {
  it('keeps code, kind, hint and cause, and names the subclass', () => {
    const cause = new Error('low level');
    const error = new DataError('DATA_FILE_NOT_FOUND', 'data file "x.csv" not found', 'input', {
      cause,
      hint: 'check the path',
    });
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

describe('isSentiError', () => {
  it('recognises an error from another installed copy of the package (a Symbol.for marker, not instanceof)', () => {
    // What a second copy of @senti/errors produces: a different class whose instances carry the same registered mark.
    const foreign = Object.defineProperty(
      Object.assign(new Error('from a second copy'), { code: 'DATA_EMPTY' }),
      Symbol.for('senti.error'),
      { value: true },
    );
    expect(foreign).not.toBeInstanceOf(SentiError);
    expect(isSentiError(foreign)).toBe(true);
    expect(isSentiError({ code: 'DATA_EMPTY' })).toBe(false);
    expect(isSentiError(null)).toBe(false);
  });

  it('narrows code to SentiErrorCode, so a misspelt code does not compile', () => {
    const label = (error: unknown): string => {
      if (!isSentiError(error)) return 'bug';
      const code: SentiErrorCode = error.code;
      switch (code) {
        case 'DATA_EMPTY':
          return 'empty';
        case 'FILE_DISK_FULL':
          return 'disk full';
        // @ts-expect-error 'DATA_EMTPY' is not a senti error code (typecheck fails if this line compiles)
        case 'DATA_EMTPY':
          return 'never';
        default:
          return code;
      }
    };
    expect(label(new DataError('DATA_EMPTY', 'empty'))).toBe('empty');
    expect(label(new FileError('FILE_DISK_FULL', 'cannot write x: disk full', 'x'))).toBe('disk full');
    expect(label(new Error('x'))).toBe('bug');
    // @ts-expect-error a SentiError only takes listed codes
    expect(new SentiError('NOT_A_CODE', 'x').code).toBe('NOT_A_CODE');
  });
});
