import { DataError, ModelError, TrainError } from '@senti/errors';
import { describe, expect, it } from 'vitest';
import { cliMessage, withFlags } from './cli-hints.js';
import { invocationPrefix } from './invocation.js';

describe('library option names become the CLI flags', () => {
  it.each([
    [
      'pass the encoding (`encoding: "utf-16le"`), or save the file as UTF-8',
      'pass the encoding (--encoding utf-16le), or save the file as UTF-8',
    ],
    ['pass the delimiter (e.g. `delimiter: ";"`)', 'pass the delimiter (e.g. --delimiter ;)'],
    [
      'as `encoderModel`, or save the model with `bundleEncoder`',
      'as --encoder, or save the model with --bundle-encoder',
    ],
    ['offline mode is on (`offline: true` or SENTI_OFFLINE=1)', 'offline mode is on (--offline or SENTI_OFFLINE=1)'],
    ['pass the data to evaluate on (`data`)', 'pass the data to evaluate on (--data)'],
    ['an `unknownOption` stays as written', 'an `unknownOption` stays as written'],
    // Every setting through the settings table, switches only for the value their flag sets.
    [
      'set SENTI_CACHE_DIR to a writable directory (or pass `cacheDir`)',
      'set SENTI_CACHE_DIR to a writable directory (or pass --cache-dir)',
    ],
    ['lower `learningRate: 1e-4`', 'lower --lr 1e-4'],
    ['or give `cache: false`', 'or give --no-cache'],
    ['`cache: true` is the default', '`cache: true` is the default'],
  ])('%s', (library, cli) => {
    expect(withFlags(library)).toBe(cli);
  });

  it('adds its own hint per code, naming the command the way the user started senti', () => {
    const missing = new ModelError('MODEL_NOT_FOUND', 'no senti model in runs/x (senti.json missing)', 'input');
    expect(cliMessage(missing, 'pnpm --filter cli start').hint).toMatch(/`pnpm --filter cli start train --out DIR`/);
    const encoding = new DataError('DATA_BAD_ENCODING', 'data file "a.csv" is not valid UTF-8 text', 'input', {
      hint: 'pass the encoding (`encoding: "cp1252"`)',
    });
    expect(cliMessage(encoding)).toEqual({
      message: 'data file "a.csv" is not valid UTF-8 text',
      hint: 'pass the encoding (--encoding cp1252)',
    });
    const split = new TrainError(
      'TRAIN_NO_SPLIT',
      'the model was trained on in-memory rows; pass the data to evaluate on (`data`: a file or rows)',
      'usage',
    );
    expect(cliMessage(split).message).toMatch(/\(--data: a file or rows\)$/);
  });
});

describe('the command prefix in hints is the one the user ran', () => {
  it.each([
    [{}, 'senti'],
    [{ npm_lifecycle_event: 'test', npm_config_user_agent: 'pnpm/10.34.9 npm/? node/v20' }, 'senti'],
    [
      {
        npm_lifecycle_event: 'start',
        npm_package_name: '@senti/cli',
        npm_config_user_agent: 'pnpm/10.34.9',
        INIT_CWD: '/repo',
        PNPM_SCRIPT_SRC_DIR: '/repo/apps/cli',
      },
      'pnpm --silent --filter cli start',
    ],
    [
      {
        npm_lifecycle_event: 'start',
        npm_package_name: '@senti/cli',
        npm_config_user_agent: 'pnpm/10.34.9',
        INIT_CWD: '/repo/apps/cli',
        PNPM_SCRIPT_SRC_DIR: '/repo/apps/cli',
      },
      'pnpm --silent start',
    ],
    [{ npm_lifecycle_event: 'senti', npm_config_user_agent: 'pnpm/10.34.9' }, 'pnpm --silent senti'],
    [{ npm_lifecycle_event: 'senti', npm_config_user_agent: 'npm/10.8.2 node/v20' }, 'npm --silent run senti --'],
    [
      { npm_lifecycle_event: 'start', npm_package_name: 'some-other-app', npm_config_user_agent: 'pnpm/10.34.9' },
      'senti',
    ],
  ] as const)('%j -> %s', (env, prefix) => {
    expect(invocationPrefix(env)).toBe(prefix);
  });
});
