import { classWeights as balancedClassWeights } from '@senti/data';
import { TrainError } from '@senti/errors';
import { resolveHeadConfig, type HeadConfig } from '@senti/model';
import { ADAMW_DEFAULTS } from './adamw.js';
import { SETTINGS } from './fine-tune/setting-table.js';
import type { LearningRateSchedule } from './unfreeze/lr-schedule.js';
import type { LoopOptions, TrainOptions, TrainUnfrozenOptions } from './types.js';

// The loop's own knobs, which are not settings of a run: clip_grad_norm_ as the tutorial uses it, warm-up share.
const CLIP_NORM = 1.0;
const WARMUP_RATIO = 0.1;

/** The loop options with every default filled in and checked. */
export interface ResolvedLoopOptions {
  head: HeadConfig;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  clipNorm: number;
  classWeights: number[];
  seed: number;
  patience: number | undefined;
}

/** `trainUnfrozen` options with every default filled in and checked. */
export interface ResolvedUnfrozenOptions extends ResolvedLoopOptions {
  encoderLearningRate: number;
  schedule: LearningRateSchedule;
  warmupRatio: number;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`,
      'usage',
    );
  }
  return value;
}

function checkLabels(name: string, labels: readonly number[], numClasses: number): void {
  if (labels.length === 0) throw new TrainError('TRAIN_EMPTY_SPLIT', `the ${name} split has no rows`);
  const bad = labels.find((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (bad !== undefined)
    throw new TrainError(
      'TRAIN_BAD_LABEL',
      `${name} label ${String(bad)} is not a class index in 0..${numClasses - 1}`,
    );
}

/**
 * Fills in the defaults (the settings table's for what `fineTune` also sets) and rejects inconsistent inputs with a TrainError; `inputSize` is the width of what
 * the head reads, `rows` checks each split's row count (features or keys) against its labels.
 */
function resolveLoopOptions(
  options: LoopOptions & { train: { labels: readonly number[] }; val: { labels: readonly number[] } },
  inputSize: number,
  rows: (split: 'train' | 'val') => string | undefined,
): ResolvedLoopOptions {
  const numClasses = positive('numClasses', options.numClasses, true);
  for (const [split, name] of [
    ['train', 'train'],
    ['val', 'validation'],
  ] as const) {
    checkLabels(name, options[split].labels, numClasses);
    const problem = rows(split);
    if (problem !== undefined) throw new TrainError('TRAIN_BAD_FEATURES', `${name} ${problem}`);
  }
  let head: HeadConfig;
  try {
    head = resolveHeadConfig({ ...options.head, inputSize, numClasses });
  } catch (cause) {
    throw new TrainError('TRAIN_BAD_OPTION', (cause as Error).message, 'usage', { cause });
  }
  const weights =
    options.classWeights ?? balancedClassWeights(options.train.labels, numClasses, { where: 'the training split' });
  if (weights.length !== numClasses || weights.some((weight) => !(weight >= 0))) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `classWeights must be ${numClasses} non-negative numbers, got [${weights.join(', ')}]`,
      'usage',
    );
  }
  const betas = options.betas ?? ADAMW_DEFAULTS.betas;
  if (betas.some((beta) => !(beta >= 0 && beta < 1)))
    throw new TrainError('TRAIN_BAD_OPTION', `betas must be in [0, 1), got [${betas.join(', ')}]`, 'usage');
  if (options.patience !== undefined) positive('patience', options.patience, true);
  const clipNorm = options.clipNorm ?? CLIP_NORM;
  if (!(clipNorm >= 0))
    throw new TrainError('TRAIN_BAD_OPTION', `clipNorm must be >= 0, got ${String(clipNorm)}`, 'usage');
  const weightDecay = options.weightDecay ?? SETTINGS.weightDecay.default;
  if (!(weightDecay >= 0))
    throw new TrainError('TRAIN_BAD_OPTION', `weightDecay must be >= 0, got ${String(weightDecay)}`, 'usage');
  return {
    head,
    epochs: positive('epochs', options.epochs ?? SETTINGS.epochs.default, true),
    batchSize: positive('batchSize', options.batchSize ?? SETTINGS.batchSize.default, true),
    learningRate: positive('learningRate', options.learningRate ?? SETTINGS.learningRate.default, false),
    weightDecay,
    betas: [betas[0], betas[1]],
    eps: positive('eps', options.eps ?? ADAMW_DEFAULTS.eps, false),
    clipNorm,
    classWeights: [...weights],
    seed: options.seed ?? SETTINGS.seed.default,
    patience: options.patience,
  };
}

/** `train`'s options resolved: the features' width is checked against every split. */
export function resolveTrainOptions(options: TrainOptions): ResolvedLoopOptions {
  const inputSize = positive('inputSize', options.inputSize, true);
  return resolveLoopOptions(options, inputSize, (split) => {
    const { features, labels } = options[split];
    return features.length === labels.length * inputSize
      ? undefined
      : `features have ${features.length} values, expected ${labels.length} rows x ${inputSize}`;
  });
}

/** `trainUnfrozen`'s options resolved: encoder lr and schedule from the settings table, 10% warm-up for `linear`. */
export function resolveUnfrozenOptions(options: TrainUnfrozenOptions): ResolvedUnfrozenOptions {
  const loop = resolveLoopOptions(options, options.layers.config.hiddenSize, (split) => {
    const { keys, labels } = options[split];
    return keys.length === labels.length ? undefined : `has ${keys.length} texts but ${labels.length} labels`;
  });
  const schedule = options.schedule ?? SETTINGS.schedule.default;
  if (schedule !== 'constant' && schedule !== 'linear')
    throw new TrainError('TRAIN_BAD_OPTION', `schedule must be constant or linear, got "${String(schedule)}"`, 'usage');
  const warmupRatio = options.warmupRatio ?? WARMUP_RATIO;
  if (!(warmupRatio >= 0 && warmupRatio < 1))
    throw new TrainError('TRAIN_BAD_OPTION', `warmupRatio must be in [0, 1), got ${String(warmupRatio)}`, 'usage');
  return {
    ...loop,
    encoderLearningRate: positive(
      'encoderLearningRate',
      options.encoderLearningRate ?? SETTINGS.encoderLearningRate.default,
      false,
    ),
    schedule,
    warmupRatio,
  };
}
