import { describe, expect, it } from 'vitest';
import { resumeConflict } from './resume-rules.js';
import { SETTING_KEYS, SETTINGS } from './setting-table.js';
import { isValidSetting, parseSetting, settingExpectation, settingsConflict } from './setting-values.js';
import { DEFAULT_SETTINGS, resolveSettings, settingHelp, TUTORIAL_PRESET } from './settings.js';
import { resolveTrainOptions } from '../resolve-options.js';

describe('the settings table', () => {
  it('gives the defaults senti has always used', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      dropDuplicates: true,
      model: 'google-bert/bert-base-uncased',
      maxLength: 'auto',
      coverage: 0.95,
      epochs: 10,
      batchSize: 32,
      learningRate: 1e-3,
      weightDecay: 0.01,
      dropout: 0.1,
      seed: 2021,
      unfreeze: 0,
      encoderLearningRate: 2e-5,
      schedule: 'constant',
      device: 'auto',
      dtype: 'auto',
      offline: false,
      cache: true,
      calibrate: true,
    });
  });

  it('every default is a valid value of its own setting, and help shows it', () => {
    for (const key of SETTING_KEYS) {
      const spec: { default?: unknown; help: string } = SETTINGS[key];
      if (spec.default !== undefined) expect(isValidSetting(key, spec.default), key).toBe(true);
    }
    expect(settingHelp('epochs')).toBe('training epochs (default: 10); with --resume: the new total');
    expect(settingHelp('encoderLearningRate')).toMatch(/\(default: 0\.00002\)$/);
  });

  it("the tutorial preset keeps the tutorial's values (some of them taken from the defaults), and its help lists them", () => {
    expect(TUTORIAL_PRESET).toEqual({
      model: 'google-bert/bert-base-uncased',
      dropDuplicates: false,
      maxLength: 17,
      epochs: 10,
      batchSize: 32,
      learningRate: 1e-5,
      weightDecay: 0.01,
      dropout: 0.1,
      seed: 2021,
      pooling: 'pooler',
      dtype: 'fp32',
      calibrate: false,
    });
    expect(settingHelp('preset')).toBe(
      'tutorial: lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed 2021',
    );
    expect(settingHelp('offline')).toBe('never download models (also SENTI_OFFLINE=1)');
    expect(settingHelp('cacheDir')).toBe('feature cache directory (default: SENTI_CACHE_DIR or ~/.cache/senti)');
  });

  it("train()'s defaults are the table's", () => {
    const split = { features: new Float32Array(4), labels: [0, 1] };
    const resolved = resolveTrainOptions({ inputSize: 2, numClasses: 2, train: split, val: split });
    expect(resolved).toMatchObject({
      epochs: DEFAULT_SETTINGS.epochs,
      batchSize: DEFAULT_SETTINGS.batchSize,
      learningRate: DEFAULT_SETTINGS.learningRate,
      weightDecay: DEFAULT_SETTINGS.weightDecay,
      seed: DEFAULT_SETTINGS.seed,
    });
  });

  it('parses text the way flags are given, and refuses what the setting does not accept', () => {
    expect(parseSetting('epochs', '12')).toBe(12);
    expect(parseSetting('maxLength', 'auto')).toBe('auto');
    expect(parseSetting('maxLength', '17')).toBe(17);
    expect(parseSetting('learningRate', '3e-4')).toBe(3e-4);
    expect(parseSetting('device', 'gpu')).toBe('gpu');
    for (const [key, text] of [
      ['epochs', '1e3'],
      ['epochs', '1.5'],
      ['learningRate', '0'],
      ['learningRate', 'Infinity'],
      ['maxLength', '2'],
      ['dropout', '1'],
      ['coverage', '0'],
      ['device', 'tpu'],
      ['seed', '-1'],
      ['encoderLearningRate', ''],
    ] as const) {
      expect(parseSetting(key, text), `${key} ${text}`).toBeUndefined();
    }
    expect(settingExpectation('learningRate')).toBe('a number > 0');
    expect(settingExpectation('dropout')).toBe('a number in [0, 1)');
    expect(settingExpectation('coverage')).toBe('a number between 0.01 and 1');
    expect(settingExpectation('maxLength')).toBe('auto or a whole number >= 3');
  });

  it('fineTune settings are checked against the table, named by their library names', () => {
    expect(() => resolveSettings({ data: 'x.csv', learningRate: 0 })).toThrow(
      'learningRate expects a number > 0, got 0',
    );
    expect(() => resolveSettings({ data: 'x.csv', maxLength: 2 })).toThrow(
      'maxLength expects auto or a whole number >= 3, got 2',
    );
    expect(() => resolveSettings({ data: 'x.csv', device: 'tpu' as 'cpu' })).toThrow(
      'device expects one of auto, cpu, gpu, got "tpu"',
    );
    expect(() => resolveSettings({ data: 'x.csv', val: 'v.csv' })).toThrow(/^val and test go together/);
    expect(() => resolveSettings({ data: 'x.csv', schedule: 'linear' })).toThrow(
      /^schedule linear applies to unfrozen encoder layers only: give unfreeze k too/,
    );
    expect(resolveSettings({ data: 'x.csv', schedule: 'linear', unfreeze: 1 }).schedule).toBe('linear');
  });

  it('rules between settings name each setting as the caller names it', () => {
    const flag = (key: string) => `--${key}`;
    expect(settingsConflict({ test: 't.csv' }, flag)).toMatch(/^--val and --test go together/);
    expect(settingsConflict({ val: 'v.csv', test: 't.csv' }, flag)).toBeUndefined();
  });

  it('resume rules: only resumable settings change, epochs not below what was done, not with a linear schedule', () => {
    const saved = { data: 'x.csv', learningRate: 0.003, epochs: 4 };
    expect(
      resumeConflict(saved, { epochs: 8, offline: true, cacheDir: '/tmp/c', learningRate: 0.003 }, 2),
    ).toBeUndefined();
    expect(resumeConflict(saved, { batchSize: 8 }, 2)).toEqual({
      reason: 'changed',
      key: 'batchSize',
      given: 8,
      saved: 32,
    });
    expect(resumeConflict(saved, { epochs: 1 }, 2)).toEqual({
      reason: 'below-completed',
      key: 'epochs',
      given: 1,
      completed: 2,
    });
    expect(resumeConflict({ ...saved, unfreeze: 2, schedule: 'linear' }, { epochs: 8 }, 2)).toEqual({
      reason: 'linear-schedule',
      key: 'epochs',
      given: 8,
      saved: 4,
    });
  });
});
