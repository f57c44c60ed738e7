import type { LabelledText } from '@senti/data';
import type { Device, DtypeChoice, Pooling } from '@senti/model';
import { TrainError } from '@senti/errors';
import { isOffline } from '@senti/tokenize';
import { SETTING_KEYS, SETTINGS, type SettingKey, type SettingSpec } from './setting-table.js';
import { checkSettings, settingsConflict } from './setting-values.js';

/** Every setting of a fine-tuning run; saved with the run so it can be reproduced or resumed. */
export interface FineTuneSettings {
  /** Training data: a CSV/TSV path (split 70/15/15 unless `val` and `test` are given) or in-memory rows. */
  data: string | readonly LabelledText[];
  /** Separate validation data (with `test`, no split is made). */
  val?: string | readonly LabelledText[];
  /** Separate test data. */
  test?: string | readonly LabelledText[];
  /** Text column of CSV data; default `sentence`, falling back to `text`. */
  textColumn?: string;
  /** Label column of CSV data; default `label`. */
  labelColumn?: string;
  /** Text encoding of CSV files without a byte-order mark (`utf-8` by default; `cp1252`, `latin1`, `utf-16le`, ...). */
  encoding?: string;
  /** Column delimiter of CSV files; default by extension, or the one other delimiter the header uses. */
  delimiter?: string;
  /** Display names for label values, e.g. `{ "0": "negative", "1": "positive" }`; stored with the model. */
  labelNames?: Readonly<Record<string, string>>;
  /** Drop repeated (text, label) rows before splitting. Default true. */
  dropDuplicates: boolean;
  /** Encoder: a Hugging Face hub id or a local model directory. */
  model: string;
  /** Padding length: a number of tokens, or `auto` to cover `coverage` of the training texts. */
  maxLength: 'auto' | number;
  /** Share of training texts that `auto` must fit without truncation. Default 0.95. */
  coverage: number;
  /** Passes over the training rows. Default 10. */
  epochs: number;
  /** Rows per optimizer step. Default 32. */
  batchSize: number;
  /** AdamW learning rate of the head. Default 1e-3. */
  learningRate: number;
  /** AdamW decoupled weight decay. Default 0.01. */
  weightDecay: number;
  /** Dropout of the head during training. Default 0.1. */
  dropout: number;
  /** Seeds the split, the shuffles, dropout and the head's initial weights. Default 2021. */
  seed: number;
  /** Where the encoder and the head run. Default `auto`. */
  device: Device;
  /** Encoder weights; `auto` = int8 on the CPU, fp32 on a GPU. */
  dtype: DtypeChoice;
  /** Sentence vector taken from the encoder; the model's default (pooler when present) when unset. */
  pooling?: Pooling;
  /** Fine-tune the top k encoder layers too (0 = frozen encoder, today's behaviour; k = L trains every layer). Default 0. */
  unfreeze: number;
  /** AdamW learning rate of the unfrozen encoder layers. Default 2e-5. */
  encoderLearningRate: number;
  /** Learning-rate schedule of an unfrozen run: `constant`, or `linear` warm-up (10% of steps) then decay to 0. Default constant. */
  schedule: 'constant' | 'linear';
  /** Stop after this many epochs without a better validation loss. Default: off. */
  patience?: number;
  /** Never fetch models from the network. Default false (or `SENTI_OFFLINE=1`). */
  offline: boolean;
  /** Feature cache directory (default: `SENTI_CACHE_DIR` or the user cache dir). */
  cacheDir?: string;
  /** Use the feature cache. Default true. */
  cache: boolean;
  /** Fit a temperature on the validation split (temperature scaling) so every probability is calibrated. Default true; false with the tutorial preset. */
  calibrate: boolean;
  /** Also cross-validate the head with k stratified folds over train + validation (features encoded once); the final model is trained as without it. Default: off. */
  kfold?: number;
  /** Pick the abstention threshold reaching this accuracy on the validation split and store it with the model as its default. */
  targetAccuracy?: number;
  /** The preset the run started from. */
  preset?: 'tutorial';
}

/** The settings a caller may give: `data` is required, everything else has a default. */
export type FineTuneInput = Partial<FineTuneSettings> & Pick<FineTuneSettings, 'data'>;

/** senti's defaults (from the settings table): the tutorial's, except a head learning rate that moves a fresh head (1e-3) and auto padding. */
export const DEFAULT_SETTINGS = Object.freeze(Object.fromEntries(
  SETTING_KEYS.flatMap((key) => {
    const spec: SettingSpec = SETTINGS[key];
    return spec.default === undefined ? [] : [[key, spec.default]];
  }),
)) as SettingDefaults;

/** The settings that have a default, with its type. */
type SettingDefaults = {
  readonly [K in SettingKey as (typeof SETTINGS)[K] extends { default: unknown } ? K : never]: Extract<(typeof SETTINGS)[K], { default: unknown }>['default'];
};

/** The tutorial exactly: lr 1e-5, padding 17, pooler output, fp32, batch 32, 10 epochs, split seed 2021, no de-duplication. */
export const TUTORIAL_PRESET = {
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
} as const satisfies Partial<FineTuneSettings>;

/**
 * Merges given settings over the preset over the defaults (undefined values do not override), after checking every
 * given value and the rules between settings (`val` with `test`, ...) against the table; a break is a `TRAIN_BAD_OPTION`.
 */
export function resolveSettings(input: FineTuneInput): FineTuneSettings {
  checkSettings(input);
  const conflict = settingsConflict(input);
  if (conflict !== undefined) throw new TrainError('TRAIN_BAD_OPTION', conflict, 'usage');
  const preset = input.preset === 'tutorial' ? TUTORIAL_PRESET : {};
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const offline = input.offline ?? isOffline();
  return { ...DEFAULT_SETTINGS, ...preset, ...defined, offline } as FineTuneSettings;
}
