import { describe, expect, it } from 'vitest';
import {
  DataError,
  FileError,
  ModelError,
  QueueError,
  SentiError,
  UsageError,
  fromErrorRecord,
  isErrorRecord,
  isSentiError,
  toErrorRecord,
  type ErrorRecord,
} from './index.js';

/** What crosses a thread or a queue: JSON (stricter than structured clone, which postMessage uses). */
const roundTrip = (error: unknown): Error => {
  const record: unknown = JSON.parse(JSON.stringify(toErrorRecord(error)));
  if (!isErrorRecord(record)) throw new Error(`not an error record: ${JSON.stringify(record)}`);
  return fromErrorRecord(record);
};

describe('error records', () => {
  it.each([
    ['DataError', new DataError('DATA_EMPTY', 'data.csv has no rows', 'input', { hint: 'check the file' }), DataError],
    ['ModelError', new ModelError('MODEL_NOT_FOUND', 'no model in "x"', 'runtime'), ModelError],
    ['UsageError', new UsageError('CLI_BAD_OPTION', '--epochs must be a positive integer, got "x"'), UsageError],
    [
      'QueueError',
      new QueueError('QUEUE_UNREACHABLE', 'redis://h:1 is unreachable', 'runtime', { hint: 'start redis-server' }),
      QueueError,
    ],
  ] as const)(
    'a %s round-trips to an error of its family with the same code, kind, hint and message',
    (_, original, Family) => {
      const rebuilt = roundTrip(original);
      expect((Family as typeof SentiError).isInstance(rebuilt)).toBe(true); // the cast only unites the four signatures
      expect(SentiError.isInstance(rebuilt)).toBe(true);
      expect(isSentiError(rebuilt)).toBe(true);
      expect(rebuilt).toBeInstanceOf(Family);
      expect(rebuilt).toMatchObject({
        name: original.name,
        code: original.code,
        kind: original.kind,
        hint: original.hint,
        message: original.message,
      });
      expect(rebuilt.stack).toBe(original.stack);
    },
  );

  it("keeps a FileError's path", () => {
    const rebuilt = roundTrip(new FileError('FILE_DISK_FULL', 'cannot write out/model: disk full', 'out/model'));
    expect(FileError.isInstance(rebuilt) && rebuilt.path).toBe('out/model');
    expect(toErrorRecord(new FileError('FILE_READ_ONLY', 'x', 'p'), { stack: false })).toEqual({
      family: 'FileError',
      code: 'FILE_READ_ONLY',
      kind: 'runtime',
      message: 'x',
      details: { path: 'p' },
    });
  });

  it('rebuilds a family this package does not define as a SentiError its isInstance recognises, details kept', () => {
    // apps/server's ServerError has a `field`; a subclass defined in a test stands for it here.
    class ServerError extends SentiError<'SERVER_INVALID_TYPE'> {
      static override readonly family: string = 'ServerError';
      readonly field = 'texts[3]';
    }
    const record = toErrorRecord(new ServerError('SERVER_INVALID_TYPE', 'texts[3] must be a string'));
    expect(record).toMatchObject({
      family: 'ServerError',
      code: 'SERVER_INVALID_TYPE',
      details: { field: 'texts[3]' },
    });
    const rebuilt = roundTrip(new ServerError('SERVER_INVALID_TYPE', 'texts[3] must be a string'));
    expect(ServerError.isInstance(rebuilt)).toBe(true);
    expect(rebuilt).not.toBeInstanceOf(ServerError);
    expect(rebuilt).toMatchObject({ name: 'ServerError', code: 'SERVER_INVALID_TYPE', field: 'texts[3]' });
    expect(DataError.isInstance(rebuilt)).toBe(false);
  });

  it('keeps name, message and errno of an error that is not a senti error', () => {
    const system = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const rebuilt = roundTrip(system);
    expect(isSentiError(rebuilt)).toBe(false);
    expect(rebuilt).toMatchObject({ name: 'Error', message: 'ENOENT: no such file', code: 'ENOENT' });
    expect(toErrorRecord('a thrown string')).toEqual({ name: 'Error', message: 'a thrown string' });
  });

  it("narrows a record's code by its family", () => {
    const label = (record: ErrorRecord): string => {
      if (record.family !== 'DataError') return 'other';
      switch (record.code) {
        case 'DATA_EMPTY':
          return 'empty';
        // @ts-expect-error a ModelError code is not a DataError code (typecheck fails if this line compiles)
        case 'MODEL_NOT_FOUND':
          return 'never';
        default:
          return record.code;
      }
    };
    expect(label(toErrorRecord(new DataError('DATA_EMPTY', 'empty')))).toBe('empty');
  });

  it('tells records from other values', () => {
    expect(isErrorRecord({ family: 'DataError', code: 'DATA_EMPTY', kind: 'input', message: 'm' })).toBe(true);
    expect(isErrorRecord({ name: 'TypeError', message: 'm' })).toBe(true);
    expect(isErrorRecord({ family: 'DataError', code: 'DATA_EMPTY', message: 'm' })).toBe(false);
    expect(isErrorRecord('DATA_EMPTY')).toBe(false);
    expect(isErrorRecord(null)).toBe(false);
  });
});

describe('Family.isInstance', () => {
  it('recognises its family by the mark, not the prototype chain', () => {
    // What a second copy of @senti/errors produces: a different class whose instances carry the same registered marks.
    const foreign = Object.assign(new Error('from a second copy'), { code: 'DATA_EMPTY', kind: 'input' });
    Object.defineProperty(foreign, Symbol.for('senti.error'), { value: true });
    Object.defineProperty(foreign, Symbol.for('senti.error.family'), { value: 'DataError' });
    expect(foreign).not.toBeInstanceOf(DataError);
    expect(DataError.isInstance(foreign)).toBe(true);
    expect(SentiError.isInstance(foreign)).toBe(true);
    expect(ModelError.isInstance(foreign)).toBe(false);
  });

  it('is false for other families, plain errors and look-alikes', () => {
    const error = new ModelError('MODEL_NOT_FOUND', 'no model');
    expect(ModelError.isInstance(error)).toBe(true);
    expect(SentiError.isInstance(error)).toBe(true);
    expect(DataError.isInstance(error)).toBe(false);
    expect(FileError.isInstance(error)).toBe(false);
    expect(ModelError.isInstance(new Error('no model'))).toBe(false);
    expect(ModelError.isInstance({ name: 'ModelError', code: 'MODEL_NOT_FOUND' })).toBe(false);
    expect(ModelError.isInstance(undefined)).toBe(false);
  });

  it('tells apart a family that does not name itself (its class name is its family)', () => {
    class ConfigError extends SentiError<'CLI_CONFIG_INVALID'> {}
    const error = new ConfigError('CLI_CONFIG_INVALID', 'bad config');
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(ConfigError.isInstance(new DataError('DATA_EMPTY', 'empty'))).toBe(false);
    expect(DataError.isInstance(error)).toBe(false);
    expect(toErrorRecord(error)).toMatchObject({ family: 'ConfigError' });
  });

  it('counts a subclass of a family in its family', () => {
    class ColumnError extends DataError {}
    const error = new ColumnError('DATA_COLUMN_NOT_FOUND', 'no column');
    expect(DataError.isInstance(error)).toBe(true);
    expect(DataError.isInstance(roundTrip(error))).toBe(true);
  });
});
