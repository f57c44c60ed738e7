import { TrainError } from '@senti/errors';
import { resolveHeadConfig, type HeadConfig } from '@senti/model';
import { classWeights as balancedClassWeights } from '@senti/data';
import type { LearningRateSchedule } from './lr-schedule.js';
import type { StatesSplit, TrainUnfrozenOptions } from './types.js';

/** `trainUnfrozen` options with every default filled in and checked. */
export interface ResolvedUnfrozenOptions {
  head: HeadConfig;
  epochs: number;
  batchSize: number;
  learningRate: number;
  encoderLearningRate: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  clipNorm: number;
  schedule: LearningRateSchedule;
  warmupRatio: number;
  classWeights: number[];
  seed: number;
  patience: number | undefined;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TrainError('TRAIN_BAD_OPTION', `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`, 'usage');
  }
  return value;
}

function checkSplit(name: string, split: StatesSplit, numClasses: number): void {
  if (split.labels.length === 0) throw new TrainError('TRAIN_EMPTY_SPLIT', `the ${name} split has no rows`);
  if (split.keys.length !== split.labels.length) throw new TrainError('TRAIN_BAD_FEATURES', `${name} has ${split.keys.length} texts but ${split.labels.length} labels`);
  const bad = split.labels.find((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (bad !== undefined) throw new TrainError('TRAIN_BAD_LABEL', `${name} label ${String(bad)} is not a class index in 0..${numClasses - 1}`);
}

/** Fill in defaults (the head's as in `train`; encoder lr 2e-5, constant schedule) and reject bad values with one line. */
export function resolveUnfrozenOptions(options: TrainUnfrozenOptions): ResolvedUnfrozenOptions {
  const numClasses = positive('numClasses', options.numClasses, true);
  checkSplit('train', options.train, numClasses);
  checkSplit('validation', options.val, numClasses);
  let head: HeadConfig;
  try {
    head = resolveHeadConfig({ ...options.head, inputSize: options.layers.config.hiddenSize, numClasses });
  } catch (cause) {
    throw new TrainError('TRAIN_BAD_OPTION', (cause as Error).message, 'usage', { cause });
  }
  const classWeights = options.classWeights ?? balancedClassWeights(options.train.labels, numClasses);
  if (classWeights.length !== numClasses || classWeights.some((weight) => !(weight >= 0))) {
    throw new TrainError('TRAIN_BAD_OPTION', `classWeights must be ${numClasses} non-negative numbers, got [${classWeights.join(', ')}]`, 'usage');
  }
  const betas = options.betas ?? [0.9, 0.999];
  if (betas.some((beta) => !(beta >= 0 && beta < 1))) throw new TrainError('TRAIN_BAD_OPTION', `betas must be in [0, 1), got [${betas.join(', ')}]`, 'usage');
  const schedule = options.schedule ?? 'constant';
  if (schedule !== 'constant' && schedule !== 'linear') throw new TrainError('TRAIN_BAD_OPTION', `schedule must be constant or linear, got "${String(schedule)}"`, 'usage');
  const warmupRatio = options.warmupRatio ?? 0.1;
  if (!(warmupRatio >= 0 && warmupRatio < 1)) throw new TrainError('TRAIN_BAD_OPTION', `warmupRatio must be in [0, 1), got ${String(warmupRatio)}`, 'usage');
  const clipNorm = options.clipNorm ?? 1.0;
  if (!(clipNorm >= 0)) throw new TrainError('TRAIN_BAD_OPTION', `clipNorm must be >= 0, got ${String(clipNorm)}`, 'usage');
  const weightDecay = options.weightDecay ?? 0.01;
  if (!(weightDecay >= 0)) throw new TrainError('TRAIN_BAD_OPTION', `weightDecay must be >= 0, got ${String(weightDecay)}`, 'usage');
  if (options.patience !== undefined) positive('patience', options.patience, true);
  return {
    head,
    epochs: positive('epochs', options.epochs ?? 10, true),
    batchSize: positive('batchSize', options.batchSize ?? 32, true),
    learningRate: positive('learningRate', options.learningRate ?? 1e-3, false),
    encoderLearningRate: positive('encoderLearningRate', options.encoderLearningRate ?? 2e-5, false),
    weightDecay,
    betas: [betas[0], betas[1]],
    eps: positive('eps', options.eps ?? 1e-8, false),
    clipNorm,
    schedule,
    warmupRatio,
    classWeights: [...classWeights],
    seed: options.seed ?? 2021,
    patience: options.patience,
  };
}
