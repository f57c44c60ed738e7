import { TrainError } from '@senti/errors';
import type { FineTuneSettings } from '../fine-tune/settings.js';
import { isValidSetting, settingExpectation } from '../fine-tune/setting-values.js';

/** The head settings a sweep can vary. */
export const SWEEP_KEYS = ['learningRate', 'dropout', 'weightDecay', 'batchSize', 'epochs'] as const;

/** One head setting a sweep can vary. */
export type SweepKey = (typeof SWEEP_KEYS)[number];

/** Values to try per head setting; the sweep trains every combination (their product). */
export type SweepGrid = Partial<Record<SweepKey, readonly number[]>>;

/** One point of the grid: a value for every key the grid names. */
export type SweepPoint = Partial<Pick<FineTuneSettings, SweepKey>>;

/**
 * Every combination of the grid's values, the first key varying slowest (in {@link SWEEP_KEYS} order), after checking
 * each value; an empty grid is the one point `{}` (the base settings).
 */
export function gridPoints(grid: SweepGrid): SweepPoint[] {
  const unknown = Object.keys(grid).filter((key) => !(SWEEP_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `sweep grid: unknown setting ${unknown.join(', ')}; expected some of ${SWEEP_KEYS.join(', ')}`,
      'usage',
    );
  }
  let points: SweepPoint[] = [{}];
  for (const key of SWEEP_KEYS) {
    const values = grid[key];
    if (values === undefined) continue;
    if (values.length === 0)
      throw new TrainError('TRAIN_BAD_OPTION', `sweep grid: ${key} has no values; give at least one`, 'usage');
    values.forEach((value) => checkValue(key, value));
    if (new Set(values).size !== values.length) {
      throw new TrainError(
        'TRAIN_BAD_OPTION',
        `sweep grid: ${key} repeats a value (${values.join(', ')}); give each value once`,
        'usage',
      );
    }
    points = points.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return points;
}

function checkValue(key: SweepKey, value: number): void {
  if (!isValidSetting(key, value)) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `sweep grid: ${key} value ${value} is not ${settingExpectation(key)}`,
      'usage',
    );
  }
}

/** A point as `learningRate=0.001 dropout=0.1` (for tables and messages). */
export function describePoint(point: SweepPoint): string {
  return (
    SWEEP_KEYS.filter((key) => point[key] !== undefined)
      .map((key) => `${key}=${point[key]}`)
      .join(' ') || '(base settings)'
  );
}
