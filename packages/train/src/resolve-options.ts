import { classWeights } from '@senti/data';
import { TrainError } from '@senti/errors';
import { resolveHeadConfig, type HeadConfig } from '@senti/model';
import type { Split, TrainOptions } from './types.js';

/** Train options with every default filled in and checked. */
export interface ResolvedTrainOptions {
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


function checkSplit(name: string, split: Split, inputSize: number, numClasses: number): void {
  const n = split.labels.length;
  if (n === 0) throw new TrainError('TRAIN_EMPTY_SPLIT', `the ${name} split has no rows`);
  if (split.features.length !== n * inputSize) {
    throw new TrainError('TRAIN_BAD_FEATURES', `${name} features have ${split.features.length} values, expected ${n} rows x ${inputSize}`);
  }
  const bad = split.labels.find((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (bad !== undefined) throw new TrainError('TRAIN_BAD_LABEL', `${name} label ${String(bad)} is not a class index in 0..${numClasses - 1}`);
}

function positive(name: string, value: number, integer: boolean): number {
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new TrainError('TRAIN_BAD_OPTION', `${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`, 'usage');
  }
  return value;
}

/** Fill in the tutorial's defaults and reject inconsistent inputs with a TrainError. */
export function resolveTrainOptions(options: TrainOptions): ResolvedTrainOptions {
  const { inputSize, numClasses } = options;
  positive('inputSize', inputSize, true);
  positive('numClasses', numClasses, true);
  checkSplit('train', options.train, inputSize, numClasses);
  checkSplit('validation', options.val, inputSize, numClasses);
  let head: HeadConfig;
  try {
    head = resolveHeadConfig({ ...options.head, inputSize, numClasses });
  } catch (cause) {
    throw new TrainError('TRAIN_BAD_OPTION', (cause as Error).message, 'usage', { cause });
  }
  const weights = options.classWeights ?? classWeights(options.train.labels, numClasses, { where: 'the training split' });
  if (weights.length !== numClasses || weights.some((weight) => !(weight >= 0))) {
    throw new TrainError('TRAIN_BAD_OPTION', `classWeights must be ${numClasses} non-negative numbers, got [${weights.join(', ')}]`, 'usage');
  }
  const betas = options.betas ?? [0.9, 0.999];
  if (betas.some((beta) => !(beta >= 0 && beta < 1))) throw new TrainError('TRAIN_BAD_OPTION', `betas must be in [0, 1), got [${betas.join(', ')}]`, 'usage');
  const patience = options.patience;
  if (patience !== undefined) positive('patience', patience, true);
  const clipNorm = options.clipNorm ?? 1.0;
  if (!(clipNorm >= 0)) throw new TrainError('TRAIN_BAD_OPTION', `clipNorm must be >= 0, got ${String(clipNorm)}`, 'usage');
  const weightDecay = options.weightDecay ?? 0.01;
  if (!(weightDecay >= 0)) throw new TrainError('TRAIN_BAD_OPTION', `weightDecay must be >= 0, got ${String(weightDecay)}`, 'usage');
  return {
    head,
    epochs: positive('epochs', options.epochs ?? 10, true),
    batchSize: positive('batchSize', options.batchSize ?? 32, true),
    learningRate: positive('learningRate', options.learningRate ?? 1e-3, false),
    weightDecay,
    betas: [betas[0], betas[1]],
    eps: positive('eps', options.eps ?? 1e-8, false),
    clipNorm,
    classWeights: [...weights],
    seed: options.seed ?? 2021,
    patience,
  };
}
