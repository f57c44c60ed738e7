import type { Device, DtypeChoice, Pooling } from '@senti/model';
import { DEFAULT_MODEL } from '@senti/tokenize';

/** Every setting of a training run; written to the run's config.json so a run can be reproduced or resumed. */
export interface TrainSettings {
  /** CSV/TSV with the training data (split 70/15/15 unless `val` and `test` are given). */
  data: string;
  /** Separate validation file (with `test`, no split is made). */
  val?: string;
  /** Separate test file. */
  test?: string;
  /** Text column; default `sentence`, falling back to `text`. */
  textColumn?: string;
  /** Label column; default `label`. */
  labelColumn?: string;
  /** Drop repeated (text, label) rows before splitting. */
  dropDuplicates: boolean;
  /** Encoder: a Hugging Face hub id or a local directory. */
  model: string;
  /** Padding length: a number, or `auto` to cover `coverage` of the training texts. */
  maxLength: 'auto' | number;
  /** Share of training texts that `auto` must fit without truncation. */
  coverage: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  /** Seeds the split, the shuffles, dropout and the head's initial weights. */
  seed: number;
  device: Device;
  /** Encoder weights; `auto` = int8 (q8) on the CPU, fp32 on a GPU. */
  dtype: DtypeChoice;
  /** Sentence vector taken from the encoder; the model's default (pooler when present) when unset. */
  pooling?: Pooling;
  /** Stop after this many epochs without a better validation loss. */
  patience?: number;
  /** Never fetch models from the network. */
  offline: boolean;
  /** Feature cache directory (default: the user cache dir). */
  cacheDir?: string;
  /** Use the feature cache. */
  cache: boolean;
  /** Exit non-zero when test accuracy is below this. */
  minAccuracy?: number;
  /** Exit non-zero when test macro F1 is below this. */
  minF1?: number;
  /** The preset the run started from. */
  preset?: 'tutorial';
}

/** senti's defaults: the tutorial's, except a head learning rate that moves a fresh head (1e-3). */
export const DEFAULT_TRAIN_SETTINGS = {
  dropDuplicates: true,
  model: DEFAULT_MODEL,
  maxLength: 'auto',
  coverage: 0.95,
  epochs: 10,
  batchSize: 32,
  learningRate: 1e-3,
  weightDecay: 0.01,
  seed: 2021,
  device: 'auto',
  dtype: 'auto',
  offline: false,
  cache: true,
} as const satisfies Partial<TrainSettings>;

/** The tutorial exactly: lr 1e-5, padding 17, pooler output, fp32, batch 32, 10 epochs, split seed 2021, no de-duplication. */
export const TUTORIAL_PRESET = {
  dropDuplicates: false,
  maxLength: 17,
  epochs: 10,
  batchSize: 32,
  learningRate: 1e-5,
  weightDecay: 0.01,
  seed: 2021,
  pooling: 'pooler',
  dtype: 'fp32',
} as const satisfies Partial<TrainSettings>;

/** Merges explicit flags over the preset over the defaults. */
export function resolveTrainSettings(flags: Partial<TrainSettings> & { data: string }): TrainSettings {
  const preset = flags.preset === 'tutorial' ? TUTORIAL_PRESET : {};
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  return { ...DEFAULT_TRAIN_SETTINGS, ...preset, ...defined } as TrainSettings;
}
